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
        from protocols_registry import files, roles, signals
        from protocols_registry.models import ApprovalDecision

        post_migrate.connect(roles.sync_role_permissions, sender=self)
        signals.connect()

        files.register_folder(
            "decisions",
            "protocols_registry.ApprovalDecision",
            "signed_pdf",
            is_public=ApprovalDecision.is_public,
        )
        files.register_folder("advices", "protocols_registry.DPOAdvice", "document")
        files.register_folder(
            "dpia", "protocols_registry.ProcessingActivity", "dpia_document"
        )
        files.register_folder(
            "agreements", "protocols_registry.Processor", "agreement_document"
        )
