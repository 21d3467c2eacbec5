"""Print the nginx or Apache site for the current settings: `manage.py webserver_config nginx`.

deploy/ holds its output for the production defaults; run it with the production settings
and environment after changing STATIC_ROOT, MEDIA_ROOT, MAX_UPLOAD_SIZE or ALLOWED_HOSTS:

    DJANGO_SETTINGS_MODULE=config.settings.prod python manage.py webserver_config nginx
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from {{ cookiecutter.project_slug }}.core import webserver

PROJECT = "{{ cookiecutter.project_slug }}"


class Command(BaseCommand):
    help = "Print the nginx or Apache site config rendered from the current settings."

    def add_arguments(self, parser):
        parser.add_argument("server", choices=webserver.SERVERS)
        parser.add_argument(
            "--upstream",
            help=f"gunicorn's address (default: {webserver.default_upstream(PROJECT)})",
        )
        parser.add_argument("--https-listen", help="port or address:port (default: 443)")
        parser.add_argument("--http-listen", help="port or address:port (default: 80)")
        parser.add_argument("--certificate", help="default: Let's Encrypt's fullchain.pem")
        parser.add_argument("--certificate-key", help="default: Let's Encrypt's privkey.pem")
        parser.add_argument(
            "--mod-wsgi",
            metavar="VENV",
            dest="wsgi_home",
            help="Apache only: run the app in mod_wsgi daemon mode from this venv, no gunicorn",
        )
        parser.add_argument(
            "--mod-wsgi-user",
            metavar="USER[:GROUP]",
            dest="wsgi_user",
            help=f"who runs the mod_wsgi daemon processes (default: {PROJECT})",
        )

    def handle(self, *args, server, **options):
        names = ("upstream", "https_listen", "http_listen", "certificate", "certificate_key")
        names += ("wsgi_home", "wsgi_user")
        if server != "apache" and options["wsgi_home"]:
            raise CommandError("--mod-wsgi is for Apache only.")
        try:
            site = webserver.site_from_settings(
                settings, PROJECT, **{name: options[name] for name in names}
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(webserver.render(server, site), ending="")
