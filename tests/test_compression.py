"""Fewer bytes and round trips, as deployed: every static file a page links to goes out as
collectstatic's Brotli copy to a client that accepts br, gzip to a gzip-only one, and readable
as it is to a client that sends no Accept-Encoding, always with Vary: Accept-Encoding; the
pages themselves are compressed by the web server (by the app where there is none); nginx,
Apache and Caddy speak HTTP/2; the favicon is there; from an S3 bucket (which cannot choose)
text files come as stored, gzipped, to every client. Real nginx, Apache, Caddy, gunicorn
(WhiteNoise) and SeaweedFS over HTTPS, with the site each project ships, asked with curl
(tests/support/compression.py) and opened in Chromium (no console error, no failed request).

Each mode runs once (the module-scoped fixture `served`); each test checks one thing seen."""

import gzip
from dataclasses import dataclass, field
from urllib.parse import urljoin

import pytest

from tests.support.app_servers import gunicorn
from tests.support.browser import chromium
from tests.support.compression import fetch, static_urls, varies_on_accept_encoding
from tests.support.deployment import new_deployment
from tests.support.web_servers import web_server

pytestmark = pytest.mark.slow

# name -> the choices; the database and the example app do not change what is compressed.
MODES = {
    "nginx-static": {"web_server": "nginx", "static_files": "web_server"},
    "apache-static": {"web_server": "apache", "static_files": "web_server"},
    "nginx-whitenoise": {"web_server": "nginx", "static_files": "whitenoise"},
    "apache-whitenoise": {"web_server": "apache", "static_files": "whitenoise"},
    "caddy-static": {"web_server": "caddy", "static_files": "web_server"},
    "caddy-whitenoise": {"web_server": "caddy", "static_files": "whitenoise"},
    "whitenoise-only": {"web_server": "none", "static_files": "whitenoise", "media_files": "s3"},
    "s3-static": {"web_server": "none", "static_files": "s3", "media_files": "s3"},
}


def modes(names):
    """`served`'s parameters: one xdist group a mode, so that with --dist loadgroup its tests
    run on the worker that deployed it, once."""
    return [
        pytest.param(name, marks=pytest.mark.xdist_group(f"compression-{name}")) for name in names
    ]


WEB_SERVERS = modes(name for name, combo in MODES.items() if combo["web_server"] != "none")
# Where a server chooses the encoding per request; a bucket sends what it stores.
CHOOSING = modes(name for name, combo in MODES.items() if combo["static_files"] != "s3")
PAGES = ["/", "/admin/login/"]
ENCODINGS = {"br": "br", "gzip": "gzip", "none": None}


@dataclass
class Served:
    combo: dict
    static_root: object
    pages: dict = field(default_factory=dict)  # (path, encoding) -> Answer
    files: dict = field(default_factory=dict)  # (url, encoding) -> Answer
    http2: dict = field(default_factory=dict)  # url -> Answer
    console: list = field(default_factory=list)  # Chromium's console errors, on every page
    problems: list = field(default_factory=list)  # requests that failed or got >= 400


def ask(served, base, cacert, browser):
    """Every page and every static file it links to, in each encoding; HTTP/2 for each; then
    each page in Chromium, as a visitor opens it."""
    for path in PAGES:
        browser.goto(f"{base}{path}")
        browser.page.wait_for_load_state("networkidle")
    served.console = [text for kind, text in browser.console if kind == "error"]
    # Every request, /favicon.ico too (browser.problems() leaves that one out).
    served.problems = [(status, url) for status, _, url in browser.responses if status >= 400]
    served.problems += [(error, url) for _, url, error in browser.failed]
    for path in PAGES:
        for name, accept in ENCODINGS.items():
            served.pages[path, name] = fetch(f"{base}{path}", accept_encoding=accept, cacert=cacert)
        served.http2[path] = fetch(f"{base}{path}", cacert=cacert, http2=True)
    urls = set()
    for path in PAGES:
        urls.update(static_urls(served.pages[path, "none"].decoded.decode()))
    for url in sorted(urls):
        absolute = urljoin(base, url)  # from the bucket, static URLs are absolute
        for name, accept in ENCODINGS.items():
            served.files[url, name] = fetch(absolute, accept_encoding=accept, cacert=cacert)
        served.http2[url] = fetch(absolute, cacert=cacert, http2=True)


@pytest.fixture(scope="module", params=modes(MODES))
def served(request, make_project, tls_certificate, tmp_path_factory, playwright):
    combo = MODES[request.param]
    browser = chromium(
        playwright, tmp_path_factory.mktemp("profile"), request.param, ignore_https_errors=True
    )
    project = make_project(combo)
    if combo["static_files"] == "s3":
        s3 = request.getfixturevalue("s3_server_https")
        project.prod_env.update(s3.env(s3.new_bucket()))
    cacert = tls_certificate.cert
    if combo["web_server"] == "none":
        project.deploy()
        served = Served(combo, project.var / "static")
        with gunicorn(project, tls=tls_certificate) as app, browser as opened:
            ask(served, app.url, cacert, opened)
        yield served
        return
    with new_deployment(tmp_path_factory.mktemp("server"), tls_certificate) as deployment:
        site, env = deployment.install(project)
        served = Served(combo, deployment.static_root)
        with (
            web_server(combo["web_server"], site, deployment),
            gunicorn(project, socket=deployment.socket, **env),
            browser as opened,
        ):
            ask(served, deployment.url, cacert, opened)
        yield served


def collected(served, url):
    """The file collectstatic wrote for `url`, and its .br and .gz copies (or None)."""
    path = served.static_root / url.removeprefix("/static/")
    copies = [path.with_name(f"{path.name}.{suffix}") for suffix in ("br", "gz")]
    return path.read_bytes(), *(copy.read_bytes() if copy.exists() else None for copy in copies)


def test_pages_link_to_the_favicon_and_it_is_there(served):
    favicons = [url for url, name in served.files if "/img/favicon." in url and name == "none"]
    assert favicons, "no page links to the favicon"
    for path in PAGES:
        assert 'rel="icon"' in served.pages[path, "none"].decoded.decode(), path
    for url in favicons:
        answer = served.files[url, "none"]
        assert answer.status == 200
        assert answer.headers["content-type"].startswith("image/svg+xml")


def test_the_browser_logs_no_console_error_and_no_request_fails(served):
    assert served.console == []
    assert served.problems == []


@pytest.mark.parametrize("served", CHOOSING, indirect=True)
def test_a_client_that_accepts_br_gets_the_brotli_copy(served):
    files = [url for url, name in served.files if name == "br"]
    with_copies = 0
    for url in files:
        original, brotli, _ = collected(served, url)
        answer = served.files[url, "br"]
        assert answer.status == 200, url
        assert answer.decoded == original, url
        if brotli is not None:
            with_copies += 1
            assert answer.headers.get("content-encoding") == "br", url
            assert answer.raw == brotli, url
    # Every CSS and JS file the pages use gains from Brotli: collectstatic wrote copies.
    assert with_copies >= len([url for url in files if url.endswith((".css", ".js"))])


@pytest.mark.parametrize("served", CHOOSING, indirect=True)
def test_a_gzip_only_client_gets_the_gzip_copy(served):
    for url, name in served.files:
        if name != "gzip":
            continue
        original, _, gzipped = collected(served, url)
        answer = served.files[url, "gzip"]
        assert answer.decoded == original, url
        if gzipped is not None:
            assert answer.headers.get("content-encoding") == "gzip", url
            assert answer.raw == gzipped, url


@pytest.mark.parametrize("served", CHOOSING, indirect=True)
def test_a_client_that_sends_no_accept_encoding_gets_the_file_as_it_is(served):
    for url, name in served.files:
        if name == "none":
            answer = served.files[url, "none"]
            assert answer.status == 200, url
            assert "content-encoding" not in answer.headers, url
            assert answer.raw == collected(served, url)[0], url


@pytest.mark.parametrize("served", CHOOSING, indirect=True)
def test_every_compressible_file_says_it_varies_on_accept_encoding(served):
    for (url, name), answer in served.files.items():
        if collected(served, url)[1] is not None:
            assert varies_on_accept_encoding(answer.headers), (url, name, answer.headers)


@pytest.mark.parametrize("path", PAGES)
def test_the_pages_are_compressed(served, path):
    """By the web server; with none, by the app (Django's GZipMiddleware)."""
    gzipped, plain = served.pages[path, "gzip"], served.pages[path, "none"]
    assert gzipped.status == plain.status == 200
    assert gzipped.headers.get("content-encoding") == "gzip"
    assert varies_on_accept_encoding(gzipped.headers)
    assert len(gzipped.raw) < len(plain.raw)
    assert "content-encoding" not in plain.headers
    assert b"</html>" in plain.raw and b"</html>" in gzipped.decoded
    brotli = served.pages[path, "br"]
    # Apache compresses pages with mod_brotli too; nginx has no Brotli for proxied answers,
    # Caddy's `encode` none without a plugin, and Django gzip only.
    expected = "br" if served.combo["web_server"] == "apache" else None
    assert brotli.headers.get("content-encoding") == expected
    assert b"</html>" in brotli.decoded


@pytest.mark.parametrize("served", WEB_SERVERS, indirect=True)
def test_the_web_server_speaks_http2(served):
    for url, answer in served.http2.items():
        assert answer.status == 200, url
        assert answer.protocol == "2", url


@pytest.mark.parametrize("served", modes(["s3-static"]), indirect=True)
def test_from_the_bucket_text_comes_gzipped_to_every_client_and_is_cached_for_a_year(served):
    """What the README says: a bucket sends what it stores, gzip whatever the client asked
    (every browser and HTTP library decodes it; curl only with --compressed)."""
    texts = [url for url, name in served.files if name == "none" and url.endswith((".css", ".js"))]
    assert texts, "the pages link to no CSS or JS file"
    for url, name in served.files:
        answer = served.files[url, name]
        assert answer.status == 200, url
        assert answer.headers["cache-control"] == "public, max-age=31536000, immutable", url
        if url in texts:
            assert answer.headers.get("content-encoding") == "gzip", (url, name)
            assert answer.raw == served.files[url, "br"].raw, (url, name)  # the same bytes
            decoded = gzip.decompress(answer.raw)
            assert decoded == served.files[url, "br"].decoded and len(decoded) > len(answer.raw)
