"""Private nginx, Apache and Caddy instances on 127.0.0.1 that serve a generated project's own
site config (edited for a deployment, tests/support/deployment.py), and that always stop.

The site is included, as a sites-enabled file would be, by a minimal main config written here
in the shape of Debian's (mime types, modules, an unprivileged worker user); Caddy's imports
the Caddyfile after global options that keep it to this deployment's ports and folders.
"""

import contextlib
import os
import re
import subprocess
from pathlib import Path

from tests.support.caddy import CADDY
from tests.support.processes import free_port, running

APACHE_MODULES = Path("/usr/lib/apache2/modules")
# What the generated Apache site needs (its header says: a2enmod ssl proxy_http headers
# rewrite), plus what Debian enables by default and the site relies on.
APACHE_LOAD = [
    ("mpm_event_module", "mod_mpm_event.so"),
    ("authz_core_module", "mod_authz_core.so"),
    ("alias_module", "mod_alias.so"),
    ("mime_module", "mod_mime.so"),
    ("dir_module", "mod_dir.so"),
    ("headers_module", "mod_headers.so"),
    ("rewrite_module", "mod_rewrite.so"),
    ("socache_shmcb_module", "mod_socache_shmcb.so"),
    ("ssl_module", "mod_ssl.so"),
    ("proxy_module", "mod_proxy.so"),
    ("proxy_http_module", "mod_proxy_http.so"),
    ("xsendfile_module", "mod_xsendfile.so"),  # libapache2-mod-xsendfile: private files
    # a2enmod http2 deflate brotli: HTTP/2, and compressed pages (AddOutputFilterByType).
    ("http2_module", "mod_http2.so"),
    ("filter_module", "mod_filter.so"),
    ("deflate_module", "mod_deflate.so"),
    ("brotli_module", "mod_brotli.so"),
]
# What Debian's libnginx-mod-http-brotli-static loads (modules-enabled/): the site's brotli_static.
NGINX_MODULES = ["/usr/lib/nginx/modules/ngx_http_brotli_static_module.so"]


def nginx_main_config(site, prefix, shared=None):
    """Debian's nginx.conf in miniature: its mime types and worker user, the site included."""
    temp = "\n".join(
        f"    {name}_temp_path {(shared or prefix) / name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    modules = "".join(f"load_module {path};\n" for path in NGINX_MODULES)
    return f"""{modules}user nobody nogroup;
worker_processes 2;
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} warn;
events {{
    worker_connections 1024;
}}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    access_log {prefix / "access.log"};
{temp}
    include {site};
}}
"""


def apache_main_config(site, prefix, ports, shared=None):
    """Debian's apache2.conf in miniature: modules, mime types, `/` denied, the site included."""
    load = list(APACHE_LOAD)
    text = Path(site).read_text()
    mod_wsgi = re.search(r"(?m)^Define \w+_MOD_WSGI$", text)
    if mod_wsgi:
        # The venv's own mod_wsgi (pip install mod_wsgi) if it has one, else Debian's.
        venv = Path(re.search(r"python-home=(\S+)", text).group(1))
        built = sorted(venv.glob("lib/python3.*/site-packages/mod_wsgi/server/mod_wsgi*.so"))
        load.append(("wsgi_module", built[0] if built else "mod_wsgi.so"))
    modules = "\n".join(f"LoadModule {name} {APACHE_MODULES / file}" for name, file in load)
    if mod_wsgi:
        # Where Apache puts the daemons' sockets: a folder their user (nobody) can reach.
        modules += f"\nWSGISocketPrefix {(shared or prefix) / 'wsgi'}"
    listen = "\n".join(f"Listen 127.0.0.1:{port}" for port in ports)
    return f"""ServerRoot {prefix}
ServerName localhost
DefaultRuntimeDir {prefix}
PidFile {prefix / "httpd.pid"}
ErrorLog {prefix / "error.log"}
LogLevel warn
User nobody
Group nogroup
{modules}
TypesConfig /etc/mime.types
LogFormat "%h %l %u %t \\"%r\\" %>s %O" common
CustomLog {prefix / "access.log"} common
SSLSessionCache shmcb:{prefix / "ssl_scache"}(512000)
<Directory />
    Options FollowSymLinks
    AllowOverride None
    Require all denied
</Directory>
{listen}
IncludeOptional {site}
"""


def site_file(project, server):
    """The site a generated project ships for `server`, in its deploy/ folder."""
    if server == "caddy":
        return project / "deploy" / "caddy" / "Caddyfile"
    (site,) = (project / "deploy" / server).glob("*.conf")
    return site


def caddy_main_config(site, prefix, ports):
    """Global options, then the site: no admin endpoint (several Caddys run at once), its data
    in `prefix`, every listener on 127.0.0.1 and the ports of this deployment."""
    https_port, http_port = ports if len(ports) == 2 else (*ports, free_port())
    return f"""{{
\tadmin off
\tstorage file_system {prefix / "data"}
\tdefault_bind 127.0.0.1
\thttp_port {http_port}
\thttps_port {https_port}
}}

import {site}
"""


def write_main_config(server, site, prefix, ports, shared=None):
    prefix.mkdir(parents=True, exist_ok=True)
    if server == "nginx":
        text, name = nginx_main_config(site, prefix, shared), "nginx.conf"
    elif server == "caddy":
        text, name = caddy_main_config(site, prefix, ports), "Caddyfile"
    else:
        text, name = apache_main_config(site, prefix, ports, shared), "httpd.conf"
    path = prefix / name
    path.write_text(text)
    return path


def server_command(server, main_config, *args, caddy="debian"):
    if server == "nginx":
        return ["nginx", "-c", main_config, "-p", f"{main_config.parent}/", *args]
    if server == "caddy":
        return [CADDY[caddy], *args, "--adapter", "caddyfile", "--config", main_config]
    return ["apache2", "-f", main_config, *args]


def server_env(server, prefix, env=None):
    """Caddy keeps its state under $HOME (XDG folders): the prefix, not root's home."""
    if server != "caddy":
        return env
    home = {"HOME": str(prefix), "XDG_DATA_HOME": str(prefix), "XDG_CONFIG_HOME": str(prefix)}
    return {**(env or os.environ), **home}


def check_config(server, site, prefix, ports=()):
    """`nginx -t` / `apache2 -t` / `caddy validate` on the site, included by a main config."""
    main_config = write_main_config(server, site, prefix, ports or (free_port(),))
    test = "validate" if server == "caddy" else "-t"
    return subprocess.run(
        [str(part) for part in server_command(server, main_config, test)],
        capture_output=True,
        text=True,
        env=server_env(server, prefix),
    )


@contextlib.contextmanager
def web_server(server, site, deployment, env=None, caddy="debian"):
    """nginx, Apache or Caddy in the foreground, serving `site`, until the block ends. `env`:
    its environment (mod_wsgi's daemons inherit it), by default the test's; `caddy`: which
    Caddy (tests/support/caddy.py), Debian's by default."""
    prefix = deployment.private / server
    main_config = write_main_config(
        server, site, prefix, (deployment.https_port, deployment.http_port), deployment.root / "run"
    )
    foreground = {"nginx": ["-g", "daemon off;"], "caddy": ["run"]}.get(server, ["-DFOREGROUND"])
    with running(
        server_command(server, main_config, *foreground, caddy=caddy),
        port=deployment.https_port,
        log_path=prefix / "stdout.log",
        env=server_env(server, prefix, env),
    ) as process:
        yield process


def error_log(server, deployment):
    # Caddy logs to its standard error.
    path = deployment.private / server / ("stdout.log" if server == "caddy" else "error.log")
    return path.read_text() if path.exists() else ""
