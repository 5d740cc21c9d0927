from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class HomeConfig(AppConfig):
    name = "home"
    label = "home"
    verbose_name = pgettext_lazy("app name", "Home")
    default_auto_field = "django.db.models.BigAutoField"
