from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.contrib.settings.registry import register_setting
from wagtail.images import get_image_model_string


@register_setting(icon="group")
class SiteOrganisation(BaseSiteSetting):
    """The organisation that runs a Wagtail site of this installation.

    One installation may serve several organisations, each on its own site (its own
    host name and page tree). The setting says whose site it is: its name, DPO
    contact and logo in the header and footer, and which protocols of the other
    sites its protocol list shows as well: those this organisation is a party to
    (protocols_registry.shared_protocols). A site without it keeps its own tree only
    and shows its site name.

    Only administrators change it (Wagtail's settings permission, granted to no
    role): whoever sets it decides for which organisation a site speaks.
    """

    organisation = models.ForeignKey(
        "protocols_registry.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="site_settings",
        help_text=_(
            "The public body this site belongs to. Its name and its DPO's contact "
            "are shown on every page; protocols it is a party to that another site "
            "of this installation publishes are listed here too."
        ),
    )
    logo = models.ForeignKey(
        get_image_model_string(),
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown in the header, next to the organisation's name."),
    )

    select_related = ["organisation", "logo"]
    panels = ["organisation", "logo"]

    class Meta:
        verbose_name = _("organisation of the site")
        verbose_name_plural = _("organisations of the sites")

    def __str__(self):
        return str(self.organisation or self.site)

    @property
    def organisation_name(self):
        return self.organisation.name if self.organisation else ""

    @property
    def dpo_email(self):
        """The DPO's mailbox citizens may write to (the organisation's record)."""
        return self.organisation.dpo_email if self.organisation else ""

    @property
    def dpo_phone(self):
        return self.organisation.dpo_phone if self.organisation else ""

    @property
    def privacy_url(self):
        return self.organisation.privacy_url if self.organisation else ""
