"""gunicorn's settings in production, read by the service in deploy/systemd/.
https://docs.gunicorn.org/en/stable/settings.html"""

import multiprocessing
import os

# config/wsgi.py uses the production settings unless DJANGO_SETTINGS_MODULE says otherwise.
wsgi_app = "config.wsgi:application"

# No `bind`: systemd opens the socket (deploy/systemd/) and hands it to gunicorn, so a restart
# drops no connection. Without systemd, add --bind unix:/run/{{ cookiecutter.project_slug }}.sock

# WEB_CONCURRENCY overrides the usual rule of thumb: two workers per core, plus one.
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
# The web server in front buffers slow clients: a worker stuck this many seconds is replaced.
timeout = 30
# To stdout and stderr, which systemd's journal keeps: journalctl -u {{ cookiecutter.project_slug }}
accesslog = "-"
errorlog = "-"
# No control socket (gunicornc, gunicorn 25.1+): systemd starts, reloads and stops gunicorn,
# and the socket's folder, $HOME/.gunicorn, would be one more place the app must write to.
control_socket_disable = True
