from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.search import index

from protocols_registry.fields import DecisionReferenceField, PdfFileField


class ApprovalDecision(index.Indexed, models.Model):
    """A decision of a governing body on a protocol, uploaded by the board secretary.

    A protocol may only be published once an approving decision is recorded; the
    signed PDF is the legal proof, the fields make it searchable and citable.
    """

    class GoverningBody(models.TextChoices):
        VAST_BUREAU = "vast_bureau", _("Vast Bureau (executive board of the OCMW)")
        COLLEGE = "college", _("College van burgemeester en schepenen")
        GEMEENTERAAD = "gemeenteraad", _("Gemeenteraad (municipal council)")
        RMW = "rmw", _("Raad voor maatschappelijk welzijn")
        RAAD_VAN_BESTUUR = (
            "raad_van_bestuur",
            _("Raad van bestuur (board of directors)"),
        )
        OTHER = "other", _("Other governing body")

    class Session(models.TextChoices):
        PUBLIC = "public", _("public session")
        CLOSED = "closed", _("closed session (besloten vergadering)")

    class Outcome(models.TextChoices):
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        POSTPONED = "postponed", _("postponed")

    reference = DecisionReferenceField(
        _("reference"),
        unique=True,
        help_text=_(
            "Year, body code and number as on the decision, e.g. 2024_VB_00591."
        ),
    )
    title = models.CharField(_("title"), max_length=500)
    organisation = models.ForeignKey(
        "protocols_registry.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    governing_body = models.CharField(
        _("governing body"), max_length=30, choices=GoverningBody.choices
    )
    meeting_date = models.DateField(_("meeting date"))
    meeting_start_time = models.TimeField(
        _("start of the meeting"),
        null=True,
        blank=True,
        help_text=_(
            "When the session began (Brussels time), if the minutes say so; the "
            "linked data then gives the exact start instead of the day."
        ),
    )
    session = models.CharField(
        pgettext_lazy("board meeting", "session"),
        max_length=10,
        choices=Session.choices,
        default=Session.PUBLIC,
    )
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.APPROVED
    )
    members_present = models.TextField(
        _("members present"),
        blank=True,
        help_text=_("As listed on the decision; one per line or separated by ';'."),
    )
    competent_member = models.CharField(
        _("competent member"),
        max_length=200,
        blank=True,
        help_text=_("The member of the board competent for the matter (Bevoegd)."),
    )
    involved_members = models.TextField(
        _("involved members"),
        blank=True,
        help_text=_(
            "The other members concerned by the matter (Betrokken); one per line "
            "or separated by ';'."
        ),
    )
    legal_framework = models.TextField(
        _("legal framework"),
        blank=True,
        help_text=_(
            "The provisions on competence and the legal ground of the decision."
        ),
    )
    motivation = models.TextField(_("motivation"), blank=True)
    advices_text = models.TextField(
        _("advices"),
        blank=True,
        help_text=_(
            "The advices the decision takes into account (Adviezen), as worded on "
            "the decision."
        ),
    )
    decision_text = models.TextField(
        _("decision text"),
        blank=True,
        help_text=_(
            "The operative part (Beslissing), with its articles: start each one on "
            "a line of its own with 'Artikel 1:', 'Artikel 2:', ..."
        ),
    )
    attachments_text = models.TextField(
        _("attachments"),
        blank=True,
        help_text=_("The attachments listed on the decision (Bijgevoegde bijlagen)."),
    )
    signed_pdf = PdfFileField(
        _("signed decision (PDF)"),
        folder="decisions",
        blank=True,
        help_text=_("The signed decision as a PDF document."),
    )
    publication_url = models.URLField(
        _("official publication"),
        blank=True,
        help_text=_(
            "Link to the decision in the official publication (e.g. the "
            "decision database of the city)."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    search_fields = [
        index.SearchField("reference", boost=3),
        index.AutocompleteField("reference"),
        index.SearchField("title"),
        index.AutocompleteField("title"),
        index.FilterField("outcome"),
        index.FilterField("governing_body"),
        index.FilterField("meeting_date"),
        index.FilterField("organisation"),
    ]

    class Meta:
        ordering = ["-meeting_date", "reference"]
        verbose_name = _("approval decision")
        verbose_name_plural = _("approval decisions")

    def __str__(self):
        return f"{self.reference} – {self.title}"

    @property
    def approves(self):
        return self.outcome == self.Outcome.APPROVED

    @property
    def is_closed_session(self):
        return self.session == self.Session.CLOSED

    def is_public(self):
        """Whether anyone may read this decision and its signed PDF: it approves a
        protocol that is published without a view restriction. A closed-session
        decision becomes public that way too: its protocol is published with it."""
        from protocols_registry.models import ProtocolPage

        return (
            self.approves
            and ProtocolPage.objects.live()
            .public()
            .filter(decision_links__decision=self)
            .exists()
        )

    @property
    def members_present_list(self):
        return _split_names(self.members_present)

    @property
    def involved_members_list(self):
        return _split_names(self.involved_members)

    def published_parts(self):
        """The decision as published with its protocol: ordered (heading, content)
        parts, read by the web page and the PDF alike (see
        protocols_registry.decision_content)."""
        from protocols_registry.decision_content import published_parts

        return published_parts(self)


def _split_names(value):
    separators = value.replace(";", "\n")
    return [line.strip() for line in separators.splitlines() if line.strip()]
