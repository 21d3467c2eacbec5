"""The fixtures every test module may use, one module each in tests/fixtures/: generated
projects, and the servers they run with (which always stop). What is not a fixture (running
servers, deploying, users, requests) is in tests/support/."""

pytest_plugins = [
    "tests.fixtures.projects",
    "tests.fixtures.postgres",
    "tests.fixtures.s3",
    "tests.fixtures.deployment",
    "tests.fixtures.browser",
    "tests.fixtures.debian_root",
]
