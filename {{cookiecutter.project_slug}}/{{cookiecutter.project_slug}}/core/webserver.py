"""The nginx or Apache site for this project, written from a handful of values.

`manage.py webserver_config nginx|apache` calls render() with the live settings; the project
generator called it with the settings' defaults to write deploy/. Standard library only, and
no Django import, so both can use it. One place holds the config text: change it here.

What every site does, whichever server:
- HTTPS on 443 (plain HTTP is redirected), the app proxied to gunicorn with
  X-Forwarded-Proto set, which the production settings trust (SECURE_PROXY_SSL_HEADER).
- Request bodies above MAX_UPLOAD_SIZE refused with 413 before the app sees a byte.
- STATIC_URL served from STATIC_ROOT (when the web server serves static files): hashed
  names cached for a year, others for an hour, precompressed .gz (and .br on Apache) copies
  sent to clients that accept them.
- MEDIA_URL served from MEDIA_ROOT (uploads on local disk): images displayed, anything else
  downloaded, all under a CSP sandbox, no handler or script ever run there.
- X-Content-Type-Options: nosniff on every response; dotfiles (.env, .git/) never served.
"""

from dataclasses import dataclass

SERVERS = ("nginx", "apache")

# Hashed names from the manifest storage: site.3f2a1b9c8d7e.css (12 hex digits).
HASHED_NAME = r"\.[0-9a-f]{12}\.[^./]+$"
HASHED_CACHE = "public, max-age=31536000, immutable"
UNHASHED_CACHE = "public, max-age=3600"
# Uploads with these extensions are shown inline; any other upload is a download.
IMAGE_TYPES = {
    "avif": "image/avif",
    "gif": "image/gif",
    "jpeg": "image/jpeg",
    "jpg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
}
IMAGE_NAME = r"\.(" + "|".join(sorted(IMAGE_TYPES)) + r")$"
MEDIA_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


@dataclass(frozen=True)
class Site:
    """What a site config needs. Paths are absolute; URLs are paths like "/static/"."""

    name: str  # the project's package name: names the upstream and the socket
    hosts: tuple  # ALLOWED_HOSTS; the first one is the canonical name
    upstream: str  # gunicorn: "unix:/run/<name>.sock" or "127.0.0.1:8000"
    max_upload_size: int  # MAX_UPLOAD_SIZE, in bytes
    static_url: str = "/static/"
    static_root: str | None = None  # None: the web server does not serve static files
    media_url: str = "/media/"
    media_root: str | None = None  # None: uploads are not on this machine's disk
    https_listen: str = "443"
    http_listen: str = "80"
    certificate: str | None = None  # default: Let's Encrypt's path for the first host
    certificate_key: str | None = None
    # Apache only: run the app in mod_wsgi daemon processes instead of proxying to gunicorn.
    wsgi_home: str | None = None  # the project's venv, made with the Python mod_wsgi embeds
    wsgi_user: str | None = None  # "user" or "user:group"; default: the project's name
    project_root: str | None = None  # the folder of manage.py (BASE_DIR)

    def __post_init__(self):
        if not self.hosts or any(host in ("*", "") for host in self.hosts):
            raise ValueError("ALLOWED_HOSTS must list the site's host names (not '*').")
        for url, root in ((self.static_url, self.static_root), (self.media_url, self.media_root)):
            if root is None:
                continue
            if not (url.startswith("/") and url.endswith("/")):
                raise ValueError(f"{url!r} must be a path that starts and ends with '/'.")
            if not root.startswith("/"):
                raise ValueError(f"{root!r} must be an absolute path.")
        if self.max_upload_size <= 0:
            raise ValueError("MAX_UPLOAD_SIZE must be a positive number of bytes.")
        if self.wsgi_home and not self.project_root:
            raise ValueError("mod_wsgi needs the project's folder (BASE_DIR).")

    @property
    def server_name(self):
        return self.hosts[0].lstrip(".")

    @property
    def cert(self):
        return self.certificate or f"/etc/letsencrypt/live/{self.server_name}/fullchain.pem"

    @property
    def cert_key(self):
        return self.certificate_key or f"/etc/letsencrypt/live/{self.server_name}/privkey.pem"


def default_upstream(name):
    """Where deploy/systemd/<name>.socket makes gunicorn listen."""
    return f"unix:/run/{name}.sock"


def site_from_settings(settings, name, **options):
    """A Site from Django settings (or any object with the same attributes).

    /static/ is the web server's only when STATIC_ROOT is set and WhiteNoise is not
    serving it from the app; /media/ only when uploads use the file system storage.
    """
    static_root = getattr(settings, "STATIC_ROOT", None)
    whitenoise = "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE
    media_backend = settings.STORAGES["default"]["BACKEND"]
    local_media = media_backend == "django.core.files.storage.FileSystemStorage"
    return Site(
        name=name,
        hosts=tuple(settings.ALLOWED_HOSTS),
        upstream=options.pop("upstream", None) or default_upstream(name),
        max_upload_size=settings.MAX_UPLOAD_SIZE,
        static_url=settings.STATIC_URL,
        static_root=str(static_root) if static_root and not whitenoise else None,
        media_url=settings.MEDIA_URL,
        media_root=str(settings.MEDIA_ROOT) if local_media else None,
        project_root=str(settings.BASE_DIR),
        **{key: value for key, value in options.items() if value is not None},
    )


def render(server, site):
    if server == "nginx":
        return nginx(site)
    if server == "apache":
        return apache(site)
    raise ValueError(f"server must be one of {', '.join(SERVERS)}, not {server!r}")


def _dir(path):
    return path.rstrip("/") + "/"


def _header(site, server, install):
    return [
        f"# {server} site for {site.server_name}, written by `manage.py webserver_config "
        f"{server.lower()}`",
        "# from the production settings (ALLOWED_HOSTS, MAX_UPLOAD_SIZE, STATIC_ROOT, MEDIA_ROOT).",
        "# Run that command again after changing one of them, rather than editing this file.",
        *install,
    ]


def nginx(site):
    name = site.name
    lines = _header(
        site,
        "nginx",
        [
            "# Install: copy to /etc/nginx/sites-enabled/ (it belongs in the http block), then",
            "#   nginx -t && systemctl reload nginx",
        ],
    )
    lines += [
        "",
        "# gunicorn, started on this socket by deploy/systemd/" + name + ".socket",
        "upstream " + name + "_app {",
        f"    server {site.upstream} fail_timeout=0;",
        "}",
    ]
    if site.static_root:
        lines += [
            "",
            "# Hashed names (site.3f2a1b9c8d7e.css) never change content: cache them for a year.",
            "map $uri $" + name + "_static_cache {",
            f'    "~{HASHED_NAME}" "{HASHED_CACHE}";',
            f'    default "{UNHASHED_CACHE}";',
            "}",
        ]
    if site.media_root:
        lines += [
            "",
            "# Uploaded images are displayed; other uploads are downloaded, never shown as pages.",
            "map $uri $" + name + "_media_disposition {",
            f'    "~*{IMAGE_NAME}" "";',
            '    default "attachment";',
            "}",
        ]
    hosts = " ".join(site.hosts)
    lines += [
        "",
        "server {",
        f"    listen {site.http_listen};",
        f"    server_name {hosts};",
        "    return 301 https://$host$request_uri;",
        "}",
        "",
        "server {",
        f"    listen {site.https_listen} ssl http2;",
        f"    server_name {hosts};",
        f"    ssl_certificate {site.cert};",
        f"    ssl_certificate_key {site.cert_key};",
        "",
        "    # MAX_UPLOAD_SIZE: a larger request body gets 413 here, before the app reads it.",
        f"    client_max_body_size {site.max_upload_size};",
        "",
        "    # On every response. A location with add_header of its own repeats it: nginx does",
        "    # not inherit add_header into such a location.",
        "    add_header X-Content-Type-Options nosniff always;",
        "",
        "    # Dotfiles (.env, .git/) anywhere, after %-decoding and resolving dot segments.",
        "    location ~ /\\. {",
        "        return 404;",
        "    }",
    ]
    if site.static_root:
        lines += [
            "",
            "    # STATIC_URL -> STATIC_ROOT, both ending in '/': '/static../' stays out.",
            "    location " + site.static_url + " {",
            f"        alias {_dir(site.static_root)};",
            "        # collectstatic wrote a .gz next to each compressible file: sent as is.",
            "        gzip_static on;",
            "        gzip_vary on;",
            "        # Successful responses only: a 404 must never be cached as immutable.",
            f"        add_header Cache-Control ${name}_static_cache;",
            "        add_header X-Content-Type-Options nosniff always;",
            "    }",
        ]
    if site.media_root:
        types = " ".join(
            f"{mime} {ext};" for ext, mime in sorted(IMAGE_TYPES.items(), key=lambda i: i[1])
        )
        lines += [
            "",
            "    # MEDIA_URL -> MEDIA_ROOT: user uploads. Only image types are named; anything",
            "    # else is application/octet-stream, downloaded, and sandboxed if opened anyway.",
            "    location " + site.media_url + " {",
            f"        alias {_dir(site.media_root)};",
            "        types { " + types + " }",
            "        default_type application/octet-stream;",
            f'        add_header Content-Security-Policy "{MEDIA_CSP}" always;',
            f"        add_header Content-Disposition ${name}_media_disposition always;",
            "        add_header X-Content-Type-Options nosniff always;",
            "    }",
        ]
    lines += [
        "",
        "    location / {",
        f"        proxy_pass http://{name}_app;",
        "        proxy_set_header Host $http_host;",
        "        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "        proxy_set_header X-Forwarded-Proto $scheme;",
        "        proxy_redirect off;",
        "        # Django sends its own; the server-wide one above is enough.",
        "        proxy_hide_header X-Content-Type-Options;",
        "    }",
        "}",
    ]
    return "\n".join(lines) + "\n"


def _apache_address(listen):
    return listen if ":" in listen else f"*:{listen}"


def _apache_upstream(site):
    if site.upstream.startswith("unix:"):
        return f"{site.upstream}|http://{site.name}/"
    return f"http://{site.upstream}/"


def apache(site):
    lines = _header(
        site,
        "Apache",
        [
            "# Install: copy to /etc/apache2/sites-available/, then",
            "#   a2enmod ssl proxy_http headers rewrite && a2ensite "
            + site.name
            + " && apache2ctl configtest && systemctl reload apache2",
        ],
    )
    lines += [
        "",
        f"<VirtualHost {_apache_address(site.http_listen)}>",
        f"    ServerName {site.server_name}",
        *[f"    ServerAlias {_apache_alias(host)}" for host in site.hosts[1:]],
        f"    Redirect permanent / https://{site.server_name}/",
        "</VirtualHost>",
        "",
        f"<VirtualHost {_apache_address(site.https_listen)}>",
        f"    ServerName {site.server_name}",
        *[f"    ServerAlias {_apache_alias(host)}" for host in site.hosts[1:]],
        "    SSLEngine on",
        f"    SSLCertificateFile {site.cert}",
        f"    SSLCertificateKeyFile {site.cert_key}",
        "",
        "    # MAX_UPLOAD_SIZE: a larger request body gets 413 here, before the app reads it.",
        "    # LimitRequestBody covers what Apache serves itself, but mod_proxy does not apply",
        "    # it to requests it forwards: those are refused by their declared length, and a",
        "    # body without one (chunked, which browsers never send) gets 411.",
        f"    LimitRequestBody {site.max_upload_size}",
        "    RewriteEngine On",
        '    RewriteCond expr "%{HTTP:Content-Length} -gt ' + str(site.max_upload_size) + '"',
        '    RewriteRule "^" "-" [R=413,L]',
        '    RewriteCond "%{HTTP:Transfer-Encoding}" "."',
        '    RewriteRule "^" "-" [R=411,L]',
        "",
        "    # On every response, replacing the app's own copy rather than repeating it.",
        "    Header unset X-Content-Type-Options",
        "    Header always set X-Content-Type-Options nosniff",
        "",
        "    # Dotfiles (.env, .git/) anywhere, after %-decoding and resolving dot segments.",
        '    <LocationMatch "/\\.">',
        "        Require all denied",
        "    </LocationMatch>",
        "",
    ]
    lines += _apache_mod_wsgi(site) if site.wsgi_home else _apache_proxy(site)
    if site.static_root:
        root = _dir(site.static_root)
        lines += [
            "",
            "    # STATIC_URL -> STATIC_ROOT, both ending in '/': '/static../' stays out.",
            f"    Alias {site.static_url} {root}",
            f"    <Directory {root}>",
            "        Require all granted",
            "        # No listings, no includes; rewriting (below) needs a symlink option.",
            "        Options SymLinksIfOwnerMatch",
            "        AllowOverride None",
            f'        Header set Cache-Control "{UNHASHED_CACHE}"',
            f'        <FilesMatch "{HASHED_NAME[:-1]}(\\.gz|\\.br)?$">',
            f'            Header set Cache-Control "{HASHED_CACHE}"',
            "        </FilesMatch>",
            "        # collectstatic wrote .br and .gz copies of compressible files: send one",
            "        # to clients that accept it, with the original's type.",
            "        RewriteEngine On",
            f"        RewriteBase {site.static_url}",
            '        RewriteCond "%{HTTP:Accept-Encoding}" "\\bbr\\b"',
            '        RewriteCond "%{REQUEST_FILENAME}.br" -f',
            '        RewriteRule "^(.+)$" "$1.br" [L]',
            '        RewriteCond "%{HTTP:Accept-Encoding}" "\\bgzip\\b"',
            '        RewriteCond "%{REQUEST_FILENAME}.gz" -f',
            '        RewriteRule "^(.+)$" "$1.gz" [L]',
            "        RemoveType .br .gz",
            "        AddEncoding br .br",
            "        AddEncoding gzip .gz",
            "        Header append Vary Accept-Encoding",
            "    </Directory>",
        ]
    if site.media_root:
        root = _dir(site.media_root)
        lines += [
            "",
            "    # MEDIA_URL -> MEDIA_ROOT: user uploads. No handler ever runs here (CGI, PHP,",
            "    # includes): every file is sent as bytes. Images are displayed; anything else is",
            "    # application/octet-stream, downloaded, and sandboxed if opened anyway.",
            f"    Alias {site.media_url} {root}",
            f"    <Directory {root}>",
            "        Require all granted",
            "        Options None",
            "        AllowOverride None",
            f'        Header always set Content-Security-Policy "{MEDIA_CSP}"',
            '        <FilesMatch ".">',
            "            SetHandler none",
            "            ForceType application/octet-stream",
            "            Header set Content-Disposition attachment",
            "        </FilesMatch>",
            f'        <FilesMatch "(?i){IMAGE_NAME}">',
            "            ForceType none",
            "            Header unset Content-Disposition",
            "        </FilesMatch>",
            "    </Directory>",
        ]
    lines += ["</VirtualHost>"]
    return "\n".join(lines) + "\n"


def _apache_proxy(site):
    lines = [
        "    # The app: gunicorn, on the socket deploy/systemd/" + site.name + ".socket opens.",
        "    ProxyPreserveHost On",
        '    RequestHeader set X-Forwarded-Proto "https"',
    ]
    for url, root in ((site.static_url, site.static_root), (site.media_url, site.media_root)):
        if root:
            lines.append(f"    ProxyPass {url} !")
    return lines + [
        f"    ProxyPass / {_apache_upstream(site)}",
        f"    ProxyPassReverse / {_apache_upstream(site).split('|')[-1]}",
    ]


def _apache_mod_wsgi(site):
    root = site.project_root.rstrip("/")
    user, _, group = (site.wsgi_user or site.name).partition(":")
    group = group or user
    return [
        "    # The app, in mod_wsgi daemon processes of its own (a2enmod wsgi), run by "
        + user
        + ",",
        "    # with the project's venv. They inherit Apache's environment, which must hold the",
        "    # production variables (.env.example): systemctl edit apache2, then under [Service]",
        "    # EnvironmentFile=/etc/" + site.name + "/env. Aliases below take precedence over /.",
        '    RequestHeader set X-Forwarded-Proto "https"',
        f"    WSGIDaemonProcess {site.name} user={user} group={group} processes=2 threads=15 "
        f"python-home={site.wsgi_home} python-path={root} display-name=" + "%{GROUP}",
        f"    WSGIProcessGroup {site.name}",
        "    WSGIApplicationGroup %{GLOBAL}",
        f"    WSGIScriptAlias / {root}/config/wsgi.py",
        f"    <Directory {root}/config/>",
        '        <Files "wsgi.py">',
        "            Require all granted",
        "        </Files>",
        "    </Directory>",
    ]


def _apache_alias(host):
    # Django's ".example.com" (the domain and its subdomains) is two names in Apache.
    return f"{host[1:]} *{host}" if host.startswith(".") else host
