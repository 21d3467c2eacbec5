"""The generated README's deployment steps, pasted as written into a fresh Debian 12 server,
take it to a site that serves pages, static files and uploads over HTTPS: nginx, Apache and
Caddy, static files and uploads on the server's disk.

The steps are the shell blocks of the README's Deploying section, read by
tests/support/deploy_steps.py as a person copies them (this module keeps no copy). They run as
root, one at a time, in one login shell in a debootstrap of Debian 12 entered with chroot
(tests/support/debian_root.py, which says what a copy gets that a server has and a chroot
lacks). The few commands that cannot run in a chroot have stand-ins, each named in STAND_INS.
Then, through the web server the steps installed: a page, a hashed static file, a public
upload (also with the app stopped), a private upload (its owner only), who the app runs as
and where it may write, and the next deploy's steps.

Each web server's run happens once (the module-scoped fixture `deployed`); each test checks
one thing it saw. The quick tests at the end read the steps of the other choices (WhiteNoise,
S3, PostgreSQL), which differ from the tested ones in a few lines.
"""

import difflib
import os
import re
import shutil
import socket
import stat
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from tests.support.browsing import PDF, PDF_NAME, Visitor, image_urls, png_bytes
from tests.support.debian_root import fresh_root
from tests.support.deploy_steps import Server, deployment_steps
from tests.support.deployment import shipped_defaults
from tests.support.systemd_units import parse_environment_file
from tests.support.template import COOKIECUTTER_JSON, DEFAULTS, REPO, WEB_SERVERS
from tests.support.users import PASSWORD, log_in

# Static files and uploads on the server's disk, with the example app to upload through; the
# database does not change the steps but for its own lines (checked at the end).
TESTED = {"static_files": "web_server", "media_files": "local", "database": "sqlite"}
# The user each web server's Debian package runs it as.
WEB_USER = {"nginx": "www-data", "apache": "www-data", "caddy": "caddy"}
# Caddy's own redirect to HTTPS keeps the method (308).
PERMANENT_REDIRECT = {"nginx": 301, "apache": 301, "caddy": 308}
NEXT_DEPLOY = "The next deploy"  # the README's subheading of the steps run on every deploy
IMMUTABLE = "public, max-age=31536000, immutable"
HASHED_CSS = re.compile(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"')
LOGS = REPO / "artifacts" / "deploy-steps"


def nothing(server):
    """Nothing to do in a chroot."""


# What cannot run in a chroot, each replaced by the smallest equivalent; every other command
# runs as written. A systemctl or certbot command with no stand-in here fails the test.
STAND_INS = {
    # certbot asks Let's Encrypt, over the internet, to check the domain: instead, a
    # self-signed certificate for the domain at the paths certbot writes, trusted by the
    # chroot (its check with curl) and by the test's client. (Caddy asks Let's Encrypt
    # itself: see Server.serve.)
    r"certbot certonly --\S+ -d (?P<domain>\S+)( .*)?": Server.certificate_for,
    # No systemd to reload: the units are read from the chroot's /etc/systemd/system when
    # they are started.
    r"systemctl daemon-reload": nothing,
    # systemd opening the socket: systemd-socket-activate listens on the socket unit's path,
    # with its owner and mode, and at the first request launches the service's ExecStart as
    # its User, with its environment (tests/support/systemd_units.py).
    r"systemctl enable --now (?P<name>\w+)\.socket": Server.start_socket,
    # The service restarted: that launcher stopped and started again.
    r"systemctl restart (?P<name>\w+)\.service": Server.restart_service,
    # The web server started in the foreground (or reloaded, or restarted), on free ports of
    # 127.0.0.1 instead of 80 and 443: the listen lines of its enabled sites and ports.conf
    # are rewritten for them in the chroot (Caddy: global options put before the site), and
    # so is 127.0.0.1:443 in the README's check. Caddy as its package's unit runs it, its
    # certificate from its own local CA (trusted by the chroot and the test's client) where
    # it would ask Let's Encrypt.
    r"systemctl (?P<action>reload|restart) (nginx|apache2|caddy)": Server.serve,
}


@dataclass
class Deployed:
    """What the run of one web server's steps saw, in the order it happened."""

    server: Server
    slug: str
    domain: str  # resolved to 127.0.0.1
    url: str  # https://<domain>:<port>
    settings: dict  # the environment file the steps wrote
    image: bytes = field(default_factory=png_bytes)
    home: requests.Response = None
    # Plain HTTP, for the site's name and for another (the server's address)
    plain_http: requests.Response = None
    plain_http_by_address: requests.Response = None
    css: str = None  # the stylesheet the home page links, under its hashed name
    static: requests.Response = None
    static_on_disk: bytes = None
    media_url: str = None
    private: dict = None  # who asked -> the response to the private upload's link
    app_uids: dict = None  # pid -> uid of gunicorn's processes
    app_log: str = None
    writable: dict = None  # user -> {path: type} it may write
    readable: dict = None  # user -> {path: type} it may read in the folder that matters
    # The next deploy, with a changed stylesheet
    next_css: str = None
    next_static: requests.Response = None
    old_static: requests.Response = None
    new_rule: str = None
    # The app stopped
    page_without_app: requests.Response = None
    upload_without_app: requests.Response = None


def git(folder, *args):
    subprocess.run(
        ["git", "-c", "user.name=Deployer", "-c", "user.email=deployer@example.com", *args],
        cwd=folder,
        check=True,
        capture_output=True,
    )


def add_users(deployed, *usernames):
    """Users with PASSWORD, made as the service would make them (its user, its environment)."""
    service = deployed.server.service
    python = str(Path(service.exec_start[0]).with_name("python"))
    code = "from django.contrib.auth.models import User\n" + "".join(
        f"User.objects.create_user({name!r}, password={PASSWORD!r})\n" for name in usernames
    )
    command = service.command(deployed.server.chroot, [python, "manage.py", "shell", "-c", code])
    subprocess.run(command, check=True, capture_output=True, timeout=120)


def use_the_site(deployed):
    server, url = deployed.server, deployed.url
    deployed.home = requests.get(f"{url}/", timeout=30)
    for name, host in (("plain_http", deployed.domain), ("plain_http_by_address", "127.0.0.1")):
        plain = f"http://{host}:{server.ports[80]}/uploads/"
        setattr(deployed, name, requests.get(plain, timeout=30, allow_redirects=False))
    deployed.css = HASHED_CSS.search(deployed.home.text)[1]
    deployed.static = requests.get(f"{url}{deployed.css}", timeout=30)
    static_root = deployed.settings["DJANGO_STATIC_ROOT"]
    css_file = server.chroot.path(static_root + deployed.css.removeprefix("/static"))
    deployed.static_on_disk = css_file.read_bytes()

    add_users(deployed, "alice", "bob")
    alice, bob = log_in(url, "alice", "bob")
    link = alice.upload("A photo", deployed.image, (PDF_NAME, PDF, "application/pdf"))
    (deployed.media_url,) = image_urls(url)
    deployed.private = {
        "owner": alice.get(link),
        "another user": bob.get(link),
        "anonymous": Visitor(url).get(link),
    }

    deployed.app_uids = server.app_processes()
    deployed.app_log = server.chroot.log("gunicorn")
    slug, (env_file,) = deployed.slug, server.service.environment_files
    web_user = WEB_USER[server.web_server]
    deployed.writable = {user: server.paths(user, "-writable") for user in (slug, web_user)}
    deployed.readable = {
        web_user: server.paths(web_user, "-readable", str(Path(env_file).parent)),
        "nobody": server.paths("nobody", "-readable", f"/var/www/{slug}"),
    }


def deploy_again(deployed, project, repository, commands):
    """A changed stylesheet committed and pushed, then the next deploy's steps pasted."""
    url = deployed.url
    deployed.new_rule = "main { outline: 0; } /* the next deploy */"
    with open(project / "static" / "css" / "site.css", "a") as css:
        css.write(f"\n{deployed.new_rule}\n")
    git(project, "commit", "-qam", "A changed stylesheet")
    git(project, "push", "-q", repository, "HEAD")
    deployed.server.paste(commands, STAND_INS)
    home = requests.get(f"{url}/", timeout=30)
    deployed.next_css = HASHED_CSS.search(home.text)[1]
    deployed.next_static = requests.get(f"{url}{deployed.next_css}", timeout=30)
    deployed.old_static = requests.get(f"{url}{deployed.css}", timeout=30)


def use_the_web_server_alone(deployed):
    deployed.server.stop_app()
    url = deployed.url
    deployed.page_without_app = requests.get(f"{url}/", timeout=30)
    deployed.upload_without_app = requests.get(f"{url}{deployed.media_url}", timeout=30)


def resolving(patch, domain):
    """`domain` is 127.0.0.1 for this process's clients, as for a browser whose DNS points at
    the new server."""
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        return real("127.0.0.1" if host == domain else host, *args, **kwargs)

    patch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture(scope="module")
def deployed(request, rendered, debian_root, tmp_path_factory):
    """One web server's steps pasted into a fresh Debian root, and the site used, once; the
    chroot's processes stop, and its copy goes, when the module's tests are done."""
    web_server = request.param
    combo = {**DEFAULTS, **TESTED, "web_server": web_server}
    source = rendered(combo)
    slug, domain = source.name, COOKIECUTTER_JSON["domain_name"]
    project = shutil.copytree(source, tmp_path_factory.mktemp("code") / slug)
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "The generated project")
    steps = deployment_steps((project / "README.md").read_text())
    next_deploy = steps.pop(NEXT_DEPLOY)

    # One folder per worker: should two run the same web server's steps, neither's logs (or
    # certificate) overwrites the other's.
    logs = LOGS / f"{web_server}-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    shutil.rmtree(logs, ignore_errors=True)
    logs.mkdir(parents=True)
    with fresh_root(debian_root, tmp_path_factory.mktemp(f"debian-{web_server}"), logs) as chroot:
        # The reader's repository, which the steps clone from $REPO: here a bare copy of the
        # generated project's repository, in the chroot.
        repository = f"/root/{slug}.git"
        git(project, "clone", "-q", "--bare", ".", chroot.path(repository))
        server = Server(chroot, web_server, env={"REPO": repository})
        server.paste([command for commands in steps.values() for command in commands], STAND_INS)
        (env_file,) = server.service.environment_files
        settings = parse_environment_file(chroot.path(env_file).read_text())
        url = f"https://{domain}:{server.https_port}"
        deployed = Deployed(server, slug, domain, url, settings)
        with pytest.MonkeyPatch.context() as patch:
            resolving(patch, domain)
            patch.setenv("REQUESTS_CA_BUNDLE", str(server.certificate))
            use_the_site(deployed)
            deploy_again(deployed, project, chroot.path(repository), next_deploy)
            use_the_web_server_alone(deployed)
        yield deployed


def each_server(test):
    """Run `test` for each web server's `deployed` (one xdist group each: with --dist
    loadgroup, its tests run on the worker that ran its steps)."""
    params = [
        pytest.param(name, marks=pytest.mark.xdist_group(f"deploy-{name}")) for name in WEB_SERVERS
    ]
    test = pytest.mark.parametrize("deployed", params, indirect=True)(test)
    # The first test of each also waits for the root filesystem and the steps.
    return pytest.mark.slow(pytest.mark.timeout(1500)(test))


@each_server
def test_the_steps_serve_the_home_page_over_https(deployed):
    assert deployed.home.status_code == 200, deployed.home.text[:2000]
    assert deployed.home.url == f"{deployed.url}/"
    assert "Strict-Transport-Security" in deployed.home.headers


@each_server
def test_plain_http_is_redirected_to_https_whatever_the_name(deployed):
    # Debian's default site is gone: no welcome page answers for another name.
    for response in (deployed.plain_http, deployed.plain_http_by_address):
        expected = PERMANENT_REDIRECT[deployed.server.web_server]
        assert response.status_code == expected, response.text[:500]
        assert response.headers["Location"].startswith("https://")
    assert deployed.plain_http.headers["Location"] == f"https://{deployed.domain}/uploads/"


@each_server
def test_a_hashed_static_file_comes_from_the_web_server_cached_for_good(deployed):
    response = deployed.static
    assert response.status_code == 200
    assert response.content == deployed.static_on_disk
    assert response.headers["Cache-Control"] == IMMUTABLE
    assert response.headers["Content-Type"].startswith("text/css")


@each_server
def test_a_public_upload_is_served_by_the_web_server_with_the_app_stopped(deployed):
    assert deployed.page_without_app.status_code in (502, 503)  # the app is really stopped
    response = deployed.upload_without_app
    assert response.status_code == 200, deployed.media_url
    assert response.content == deployed.image
    assert response.headers["Content-Type"] == "image/png"


@each_server
def test_a_private_upload_reaches_its_owner_only(deployed):
    owner, other, anonymous = deployed.private.values()
    assert owner.status_code == 200
    assert owner.content == PDF
    assert "private" in owner.headers["Cache-Control"]
    # The app's answer had no body: the web server sent the bytes, from the private folder.
    sent = rf'"GET {re.escape(urlsplit(owner.url).path)} HTTP/1\.[01]" 200 (\d+) '
    assert re.findall(sent, deployed.app_log) == ["0"]  # the size of its body
    assert other.status_code == 403 and PDF not in other.content
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith("/accounts/login/")


@each_server
def test_the_app_runs_as_its_own_unprivileged_user(deployed):
    uid, _ = deployed.server.user_ids(deployed.slug)
    assert uid != 0
    # The arbiter and its workers: all of them the app's user.
    assert len(deployed.app_uids) >= 2, deployed.app_uids
    assert set(deployed.app_uids.values()) == {uid}
    assert "[ERROR]" not in deployed.app_log, deployed.app_log[-3000:]


def shared_temporary_folder(deployed, path):
    """A folder every user may write in but only change their own files of (/tmp, /run/lock):
    the service gets its own /tmp and /var/tmp from systemd."""
    mode = deployed.server.chroot.path(path).lstat().st_mode
    return stat.S_ISDIR(mode) and mode & stat.S_ISVTX and mode & stat.S_IWOTH


def writable_files(deployed, user):
    """What `user` may write, but devices (/dev/null), links and shared temporary folders."""
    return sorted(
        path
        for path, kind in deployed.writable[user].items()
        if kind not in "cl" and not shared_temporary_folder(deployed, path)
    )


def under(path, folder):
    return path == folder or path.startswith(f"{folder}/")


@each_server
def test_the_app_may_write_only_its_uploads_and_its_database(deployed):
    settings = deployed.settings
    allowed = [
        settings["DJANGO_MEDIA_ROOT"],
        settings["DJANGO_PRIVATE_MEDIA_ROOT"],
        str(Path(settings["DJANGO_SQLITE_PATH"]).parent),
    ]
    writable = writable_files(deployed, deployed.slug)
    assert [path for path in writable if not any(under(path, f) for f in allowed)] == []
    assert set(allowed) <= set(writable)


@each_server
def test_the_web_server_reads_the_uploads_and_writes_none_of_the_sites_files(deployed):
    service, settings = deployed.server.service, deployed.settings
    (env_file,) = service.environment_files
    # The served files, the code, the settings and the database.
    folders = [
        f"/var/www/{deployed.slug}",
        service.cwd,
        str(Path(env_file).parent),
        str(Path(settings["DJANGO_SQLITE_PATH"]).parent),
    ]
    web_user = WEB_USER[deployed.server.web_server]
    writable = writable_files(deployed, web_user)
    assert [path for path in writable if any(under(path, f) for f in folders)] == []
    # The settings (the secret key): systemd reads them, the web server does not.
    assert env_file not in deployed.readable[web_user]
    assert str(Path(env_file).parent) in deployed.readable[web_user]  # the check can fail
    # Other users: the static files, but no upload, public or private.
    uploads = [
        deployed.settings["DJANGO_MEDIA_ROOT"],
        deployed.settings["DJANGO_PRIVATE_MEDIA_ROOT"],
    ]
    others = deployed.readable["nobody"]
    assert [path for path in others if any(under(path, f) for f in uploads)] == []
    assert deployed.settings["DJANGO_STATIC_ROOT"] in others


@each_server
def test_the_next_deploy_serves_the_new_code_and_keeps_the_old_files(deployed):
    assert deployed.next_css != deployed.css  # the app restarted on the new manifest
    assert deployed.next_static.status_code == 200
    assert deployed.new_rule in deployed.next_static.text
    assert deployed.next_static.headers["Cache-Control"] == IMMUTABLE
    # A page rendered before the deploy still gets its stylesheet.
    assert deployed.old_static.status_code == 200
    assert deployed.old_static.content == deployed.static_on_disk


# The other choices' steps, read without running them: each differs from the tested ones in
# its own lines only. (variant, folders it no longer creates, lines it adds, packages it drops
# or adds on the apt-get and a2enmod lines.)
VARIANTS = {
    # nginx's brotli_static sends the .br copies of STATIC_ROOT only.
    "static_files=whitenoise": (
        {"static_files": "whitenoise"},
        ["static_root"],
        [],
        {"-libnginx-mod-http-brotli-static"},
    ),
    "static_files=s3": (
        {"static_files": "s3"},
        ["static_root"],
        ["setup_buckets"],
        {"-libnginx-mod-http-brotli-static"},
    ),
    "media_files=s3": (
        {"media_files": "s3"},
        ["media_root", "private_root"],
        ["setup_buckets"],
        {"-libapache2-mod-xsendfile", "-xsendfile"},
    ),
    "database=postgresql": (
        {"database": "postgresql"},
        ["sqlite"],
        ["createuser", "createdb", "DATABASE_URL="],
        {"+postgresql"},
    ),
}


def folders(slug):
    return {**shipped_defaults(slug), "sqlite": f"/var/lib/{slug}"}


def creates(line, folder):
    return re.match(r"install -d\b", line) and re.search(rf" {re.escape(folder)}( |$)", line)


def word_changes(tested, other):
    """How `other`'s words differ from `tested`'s: {"-gone", "+new"}."""
    before, after = set(tested.split()), set(other.split())
    return {f"-{w}" for w in before - after} | {f"+{w}" for w in after - before}


def all_commands(project):
    return [c for cs in deployment_steps((project / "README.md").read_text()).values() for c in cs]


@pytest.mark.parametrize("web_server", WEB_SERVERS)
@pytest.mark.parametrize("variant", VARIANTS)
def test_another_choice_changes_only_its_own_steps(rendered, web_server, variant):
    answers, unneeded, additions, packages = VARIANTS[variant]
    tested_project = rendered({**DEFAULTS, **TESTED, "web_server": web_server})
    other_project = rendered({**DEFAULTS, **TESTED, **answers, "web_server": web_server})
    tested, other = all_commands(tested_project), all_commands(other_project)
    paths = folders(tested_project.name)

    for name in unneeded:
        assert [line for line in tested if creates(line, paths[name])], name  # can fail
        assert [line for line in other if creates(line, paths[name])] == [], name
    removed, added = [], []
    for line in difflib.ndiff(tested, other):
        (removed if line[0] == "-" else added if line[0] == "+" else []).append(line[2:])
    changed_pairs = []
    for line in list(removed):
        if any(creates(line, paths[name]) for name in unneeded):
            removed.remove(line)
            continue
        # A package line that lost or gained the variant's packages.
        twin = next((a for a in added if a.split()[:2] == line.split()[:2]), None)
        if twin:
            changed_pairs.append(word_changes(line, twin))
            removed.remove(line)
            added.remove(twin)
    assert removed == []
    # Each package the variant adds, and each it drops that this server's steps install,
    # changes; nothing else does.
    words = {word for line in tested for word in line.split()}
    expected = {change for change in packages if change[0] == "+" or change[1:] in words}
    assert set().union(*changed_pairs) == expected, changed_pairs
    assert len(added) == len(additions), added
    for line, word in zip(added, additions, strict=True):
        assert word in line, (word, line)
    if "s3" in answers.values():
        section = (other_project / "README.md").read_text().split("## Deploying", 1)[1]
        assert "The bucket stands in for" in section.split("\n## ", 1)[0]
