from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ExchangesConfig(AppConfig):
    """Transfers made under a protocol: the private, tamper-evident record."""

    name = "exchanges"
    label = "exchanges"
    verbose_name = _("Exchanges")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # checks registers the deploy checks; worklist registers its deleter.
        from exchanges import checks, roles, worklist  # noqa: F401

        post_migrate.connect(roles.sync_role_permissions, sender=self)
