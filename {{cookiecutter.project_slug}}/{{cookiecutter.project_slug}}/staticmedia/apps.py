from django.apps import AppConfig


class StaticMediaConfig(AppConfig):
    """The static and media machinery: system checks, `manage.py staticmedia`, the upload limit."""

    name = "{{ cookiecutter.project_slug }}.staticmedia"

    def ready(self):  # registers the system checks (staticmedia.*)
        from . import checks{% if cookiecutter.web_server != "none" %}, deploy_checks{% endif %}  # noqa: F401
