from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from protocols_registry.fields import EnterpriseNumberField
from protocols_registry.validators import format_enterprise_number


class Organisation(index.Indexed, models.Model):
    """A public body (or company) that is party to protocols or processes data for us.

    The enterprise number is its stable identity; names change, KBO numbers do not.
    """

    class Kind(models.TextChoices):
        OCMW = "ocmw", _("OCMW (public centre for social welfare)")
        CITY = "city", _("City or municipality")
        HOUSING_COMPANY = "housing_company", _("Housing company")
        AGENCY = "agency", _("Agency")
        FEDERAL = "federal", _("Federal public body")
        COMPANY = "company", _("Company")
        OTHER = "other", _("Other")

    name = models.CharField(
        _("name"), max_length=200, help_text=_("Official name, e.g. OCMW Gent.")
    )
    short_name = models.CharField(
        _("short name"),
        max_length=60,
        blank=True,
        help_text=_("Name used in running text, e.g. Thuispunt Gent."),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    enterprise_number = EnterpriseNumberField(
        _("enterprise number (KBO)"),
        unique=True,
        help_text=_(
            "10 digits, as in the Crossroads Bank for Enterprises, e.g. 0212.214.125."
        ),
    )
    street_address = models.CharField(
        _("street and number"), max_length=200, blank=True
    )
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    dpo_name = models.CharField(
        _("data protection officer"),
        max_length=200,
        blank=True,
        help_text=_("Name or function of the DPO. Not shown on the public site."),
    )
    dpo_email = models.EmailField(
        _("DPO e-mail address"),
        blank=True,
        help_text=_(
            "Preferably a functional mailbox (e.g. privacy@...); this address is "
            "shown to citizens."
        ),
    )
    dpo_phone = models.CharField(_("DPO telephone"), max_length=40, blank=True)
    privacy_url = models.URLField(
        _("privacy page"),
        blank=True,
        help_text=_(
            "The page of the organisation's website that explains how citizens "
            "exercise their privacy rights (a form or a contact point)."
        ),
    )
    protocol_publication_url = models.URLField(
        _("protocol publication page"),
        blank=True,
        help_text=_("Where this organisation publishes its own protocols (art. 10)."),
    )

    search_fields = [
        index.SearchField("name"),
        index.SearchField("short_name"),
        index.AutocompleteField("name"),
        index.SearchField("enterprise_number"),
        index.FilterField("kind"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name

    @property
    def display_name(self):
        return self.short_name or self.name

    @property
    def formatted_enterprise_number(self):
        return format_enterprise_number(self.enterprise_number)

    @property
    def address(self):
        place = " ".join(part for part in (self.postal_code, self.city) if part)
        return ", ".join(part for part in (self.street_address, place) if part)


class OrganisationMember(models.Model):
    """A user belongs to an organisation: the DPO of a party, its board secretary.

    The user's role is their group; membership says for which organisation they
    hold it, so "the DPO of Thuispunt Gent" is a member of Thuispunt Gent in the DPO
    group. Only administrators manage memberships (no role is granted the model's
    permissions): a DPO who could add themselves to another organisation would
    speak for it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="organisation_memberships",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="members",
    )

    class Meta:
        ordering = ["organisation__name", "user__username"]
        verbose_name = _("member of an organisation")
        verbose_name_plural = _("members of organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="organisation_member_once"
            )
        ]

    def __str__(self):
        return _("%(user)s at %(organisation)s") % {
            "user": self.user.get_full_name() or self.user.get_username(),
            "organisation": self.organisation.display_name,
        }

    def roles(self):
        """The user's roles (groups), for the administrator's list."""
        from protocols_registry.roles import role_label

        return ", ".join(
            str(role_label(group.name)) for group in self.user.groups.all()
        )

    roles.short_description = _("roles")
