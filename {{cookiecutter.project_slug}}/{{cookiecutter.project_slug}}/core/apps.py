from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "{{ cookiecutter.project_slug }}.core"
    label = "core"

    def ready(self):
        # Registers the static/media system checks (ids staticmedia.*).
        from . import checks  # noqa: F401
