{%- set docker = cookiecutter.container == "docker" -%}
"""gunicorn's settings in production, read by the {% if docker %}image's CMD (Dockerfile){% else %}service in deploy/systemd/{% endif %}.
https://docs.gunicorn.org/en/stable/settings.html"""

import multiprocessing
import os

# config/wsgi.py uses the production settings unless DJANGO_SETTINGS_MODULE says otherwise.
wsgi_app = "config.wsgi:application"
{%- if docker %}

# Every interface of the container's own network: {% if cookiecutter.web_server == "none" %}your platform routes to this port{% else %}the web server reaches it as app:8000
# (compose.yaml publishes no port of the app on the host){% endif %}.
bind = "0.0.0.0:8000"
{%- else %}

# No `bind`: systemd opens the socket (deploy/systemd/) and hands it to gunicorn, so a restart
# drops no connection. Without systemd, add --bind unix:/run/{{ cookiecutter.project_slug }}.sock
{%- endif %}

# WEB_CONCURRENCY overrides the usual rule of thumb: two workers per core, plus one.
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
# The web server in front buffers slow clients: a worker stuck this many seconds is replaced.
timeout = 30
# To stdout and stderr, which {% if docker %}Docker keeps: docker compose logs app{% else %}systemd's journal keeps: journalctl -u {{ cookiecutter.project_slug }}{% endif %}
accesslog = "-"
errorlog = "-"
# No control socket (gunicornc, gunicorn 25.1+): {% if docker %}Docker{% else %}systemd{% endif %} starts, reloads and stops gunicorn,
# and the socket's folder, $HOME/.gunicorn, would be one more place the app must write to.
control_socket_disable = True
