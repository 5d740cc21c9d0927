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
        # checks registers the deploy checks; worklist and handling_notes their deleters.
        from exchanges import (  # noqa: F401
            checks,
            handling_notes,
            identity_audit,
            retention_audit,
            roles,
            worklist,
        )

        post_migrate.connect(roles.sync_role_permissions, sender=self)
        identity_audit.connect()
        retention_audit.connect()
