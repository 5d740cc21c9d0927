from django.apps import AppConfig


class HostSiteConfig(AppConfig):
    name = "hostsite"
    default_auto_field = "django.db.models.BigAutoField"
