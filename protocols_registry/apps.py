from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ProtocolsRegistryConfig(AppConfig):
    """Published protocols and the DPO's registers: the public record."""

    name = "protocols_registry"
    label = "protocols_registry"
    verbose_name = _("Protocol registry")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from protocols_registry import roles

        post_migrate.connect(roles.sync_role_permissions, sender=self)
