from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class BreachesConfig(AppConfig):
    """The register of personal data breaches (GDPR art. 33(5)): private, per
    organisation, with the 72-hour clock and the notifications a protocol requires."""

    name = "breaches"
    label = "breaches"
    verbose_name = _("Data breaches")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from breaches import roles

        post_migrate.connect(roles.sync_role_permissions, sender=self)
