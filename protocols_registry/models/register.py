"""The DPO's registers: processing activities (GDPR art. 30) and processors (art. 28).

Every create, change and delete is kept with django-simple-history, with the acting
user and a reason. Saves go through protocols_registry.register_history so that one
change makes exactly one history record, many-to-many fields included.
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords
from wagtail.blocks import CharBlock, StreamBlock, StructBlock, TextBlock
from wagtail.fields import StreamField
from wagtail.search import index

from protocols_registry.fields import EnterpriseNumberField, PdfFileField


class DataSubjectCategory(models.Model):
    """A reusable category of data subjects, e.g. "OCMW clients" (art. 30(1)(c))."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("category of data subjects")
        verbose_name_plural = _("categories of data subjects")

    def __str__(self):
        return self.name


class PersonalDataCategory(models.Model):
    """A reusable category of personal data, e.g. "identification data"."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    special = models.BooleanField(
        _("special category (GDPR art. 9 or 10)"),
        default=False,
        help_text=_("Health, ethnic origin, criminal records and the like."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("category of personal data")
        verbose_name_plural = _("categories of personal data")

    def __str__(self):
        return self.name


class LawfulBasis(models.TextChoices):
    CONSENT = "a", _("Art. 6(1)(a) consent")
    CONTRACT = "b", _("Art. 6(1)(b) contract")
    LEGAL_OBLIGATION = "c", _("Art. 6(1)(c) legal obligation")
    VITAL_INTERESTS = "d", _("Art. 6(1)(d) vital interests")
    PUBLIC_TASK = "e", _("Art. 6(1)(e) public task or official authority")
    LEGITIMATE_INTERESTS = "f", _("Art. 6(1)(f) legitimate interests")


class SpecialCategoryCondition(models.TextChoices):
    NONE = "", _("no special categories")
    EXPLICIT_CONSENT = "9_2_a", _("Art. 9(2)(a) explicit consent")
    EMPLOYMENT = "9_2_b", _("Art. 9(2)(b) employment and social security law")
    VITAL = "9_2_c", _("Art. 9(2)(c) vital interests")
    PUBLIC = "9_2_e", _("Art. 9(2)(e) made public by the data subject")
    CLAIMS = "9_2_f", _("Art. 9(2)(f) legal claims")
    SUBSTANTIAL_PUBLIC_INTEREST = "9_2_g", _("Art. 9(2)(g) substantial public interest")
    CARE = "9_2_h", _("Art. 9(2)(h) health or social care")
    PUBLIC_HEALTH = "9_2_i", _("Art. 9(2)(i) public health")
    ARCHIVING = "9_2_j", _("Art. 9(2)(j) archiving, research or statistics")
    CRIMINAL = "10", _("Art. 10 criminal convictions and offences")


class ThirdCountryTransfers(models.TextChoices):
    UNKNOWN = "", _("not yet recorded")
    NONE = "none", _("no transfers outside the EEA")
    YES = "yes", _("transfers outside the EEA")


class Safeguard(models.TextChoices):
    NONE = "", _("—")
    ADEQUACY = "adequacy", _("adequacy decision (art. 45)")
    SCC = "scc", _("standard contractual clauses (art. 46(2)(c))")
    BCR = "bcr", _("binding corporate rules (art. 47)")
    DEROGATION = "derogation", _("derogation for a specific situation (art. 49)")


class RetentionRuleBlock(StructBlock):
    """How long one category of personal data is kept (art. 30(1)(f))."""

    data_category = CharBlock(label=_("category of personal data"), max_length=120)
    period = CharBlock(
        label=_("retention period"),
        max_length=300,
        help_text=_("e.g. until the person is contacted, at most 30 days"),
    )
    ground = TextBlock(label=_("ground for the period"), required=False)

    class Meta:
        icon = "time"
        label = _("retention rule")


class RetentionRulesBlock(StreamBlock):
    """The retention rules of an activity.

    Wagtail reads a stream from the form by its "-count" field and fails with a server
    error when a request leaves it out; a malformed request is treated as an empty
    stream instead, so the form reports it like any other input.
    """

    rule = RetentionRuleBlock()

    def value_from_datadict(self, data, files, prefix):
        try:
            int(data[f"{prefix}-count"])
        except (KeyError, TypeError, ValueError):
            return self.to_python([])
        return super().value_from_datadict(data, files, prefix)


ACTIVITY_M2M_FIELDS = [
    "joint_controllers",
    "data_subject_categories",
    "personal_data_categories",
    "protocols",
    "processors",
]


class ProcessingActivityQuerySet(models.QuerySet):
    def with_completeness(self):
        """Annotate ``missing_<key>`` for each mandatory element and ``is_complete``.

        The rule lives in REQUIRED_ELEMENTS only; the admin filter, the dashboard,
        the exports and the activity's own warning all read it from here.
        """
        annotations = {
            f"missing_{key}": Case(
                When(condition(), then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            )
            for key, _label, condition in REQUIRED_ELEMENTS
        }
        complete = Q()
        for _key, _label, condition in REQUIRED_ELEMENTS:
            complete &= ~condition()
        return self.annotate(
            **annotations,
            is_complete=Case(
                When(complete, then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            ),
        )

    def review_overdue(self, day=None):
        day = day or timezone.localdate()
        return self.exclude(status=ProcessingActivity.Status.RETIRED).filter(
            Q(next_review__lt=day) | Q(next_review__isnull=True)
        )

    def public(self):
        """What the public register may show: marked public and not a draft."""
        return self.filter(show_in_public_register=True).exclude(
            status=ProcessingActivity.Status.DRAFT
        )

    def of_controller(self, organisation):
        """The register of ``organisation``: the activities it controls, and those
        where it is one of the joint controllers."""
        return self.of_controllers([organisation])

    def of_controllers(self, organisations):
        """The registers of several organisations (instances or ids) together."""
        return self.filter(
            Q(controller__in=organisations)
            | Q(
                pk__in=ProcessingActivity.joint_controllers.through.objects.filter(
                    organisation__in=organisations
                ).values("processingactivity_id")
            )
        )


def _through_exists(field_name):
    through = ProcessingActivity._meta.get_field(field_name).remote_field.through
    return Exists(through.objects.filter(processingactivity_id=OuterRef("pk")))


# (key, the element of art. 30(1) as the GDPR words it, Q that is true when missing)
REQUIRED_ELEMENTS = [
    (
        "a",
        _("(a) the name and contact details of the controller and of the DPO"),
        lambda: Q(controller__isnull=True) | Q(dpo_contact=""),
    ),
    ("b", _("(b) the purposes of the processing"), lambda: Q(purposes="")),
    (
        "lawful_basis",
        _("the lawful basis (art. 6) and its legal reference"),
        lambda: Q(lawful_basis="") | Q(legal_reference=""),
    ),
    (
        "c",
        _("(c) the categories of data subjects and of personal data"),
        lambda: (
            (~_through_exists("data_subject_categories") & Q(data_subjects_note=""))
            | (~_through_exists("personal_data_categories") & Q(personal_data_note=""))
        ),
    ),
    (
        "special",
        _("the art. 9 or 10 condition for special categories"),
        lambda: Q(special_categories=True, special_category_condition=""),
    ),
    ("d", _("(d) the categories of recipients"), lambda: Q(recipients="")),
    (
        "e",
        _("(e) transfers to third countries and their safeguards"),
        lambda: (
            Q(third_country_transfers=ThirdCountryTransfers.UNKNOWN)
            | Q(
                third_country_transfers=ThirdCountryTransfers.YES, transfer_safeguard=""
            )
        ),
    ),
    (
        "f",
        _("(f) the time limits for erasure of each category of data"),
        lambda: Q(retention_rules=[]) & Q(retention_note=""),
    ),
    (
        "g",
        _("(g) a general description of the technical and organisational measures"),
        lambda: Q(security_measures=""),
    ),
]


ACTIVITY_HISTORY = HistoricalRecords(
    m2m_fields=ACTIVITY_M2M_FIELDS,
    excluded_fields=["updated_at"],
    verbose_name=_("historical processing activity"),
)
PROCESSOR_HISTORY = HistoricalRecords(
    excluded_fields=["updated_at"], verbose_name=_("historical processor")
)


class ProcessingActivity(index.Indexed, models.Model):
    """One entry of the register of processing activities (GDPR art. 30(1)).

    Fields are grouped by the letters of art. 30(1) in the admin; what the public
    register may show is decided by ``show_in_public_register`` and never includes
    the security measures or internal notes.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("register entry status", "draft")
        ACTIVE = "active", _("active")
        RETIRED = "retired", _("retired")

    class DpiaNeeded(models.TextChoices):
        UNKNOWN = "", _("not yet assessed")
        NO = "no", _("not needed")
        YES = "yes", _("needed")

    reference = models.CharField(
        _("reference"),
        max_length=30,
        unique=True,
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
                _(
                    "Use letters, digits, '.', '-' and '_' only (it becomes a web address)."
                ),
            )
        ],
        help_text=_("Your own number for this activity, e.g. VA-2024-017."),
    )
    name = models.CharField(_("name"), max_length=250)
    owner_department = models.CharField(
        _("owner department"),
        max_length=150,
        help_text=_("The service responsible for this processing."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    retired_on = models.DateField(_("retired on"), null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("replaced by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaces",
    )

    # (a) controller, joint controllers, representative, DPO
    controller = models.ForeignKey(
        "protocols_registry.Organisation",
        verbose_name=_("controller"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="processing_activities",
    )
    joint_controllers = models.ManyToManyField(
        "protocols_registry.Organisation",
        verbose_name=_("joint controllers"),
        blank=True,
        related_name="joint_processing_activities",
    )
    representative = models.CharField(
        _("representative of the controller"),
        max_length=250,
        blank=True,
        help_text=_("Only for controllers outside the EU (art. 27)."),
    )
    dpo_contact = models.EmailField(
        _("DPO contact"),
        blank=True,
        help_text=_("The functional mailbox of the DPO; shown in the public register."),
    )
    # (b) purposes and lawful basis
    purposes = models.TextField(_("purposes of the processing"), blank=True)
    lawful_basis = models.CharField(
        _("lawful basis"), max_length=1, choices=LawfulBasis.choices, blank=True
    )
    legal_reference = models.TextField(
        _("legal reference"),
        blank=True,
        help_text=_("The law, decree or decision the processing rests on."),
    )
    # (c) data subjects and personal data
    data_subject_categories = models.ManyToManyField(
        DataSubjectCategory,
        verbose_name=_("categories of data subjects"),
        blank=True,
        related_name="activities",
    )
    data_subjects_note = models.TextField(_("data subjects (details)"), blank=True)
    personal_data_categories = models.ManyToManyField(
        PersonalDataCategory,
        verbose_name=_("categories of personal data"),
        blank=True,
        related_name="activities",
    )
    personal_data_note = models.TextField(_("personal data (details)"), blank=True)
    special_categories = models.BooleanField(
        _("special categories of data (art. 9 or 10)"), default=False
    )
    special_category_condition = models.CharField(
        _("art. 9 or 10 condition"),
        max_length=6,
        choices=SpecialCategoryCondition.choices,
        blank=True,
    )
    # (d) recipients
    recipients = models.TextField(
        _("categories of recipients"),
        blank=True,
        help_text=_(
            "To whom the data are or will be disclosed, including recipients "
            "in third countries."
        ),
    )
    # (e) third countries
    third_country_transfers = models.CharField(
        _("transfers to third countries"),
        max_length=5,
        choices=ThirdCountryTransfers.choices,
        blank=True,
    )
    transfer_countries = models.CharField(
        _("third countries or international organisations"), max_length=250, blank=True
    )
    transfer_safeguard = models.CharField(
        _("safeguard"), max_length=12, choices=Safeguard.choices, blank=True
    )
    transfer_safeguard_details = models.TextField(_("safeguard (details)"), blank=True)
    # (f) retention
    retention_rules = StreamField(
        RetentionRulesBlock(),
        verbose_name=_("retention per category of data"),
        blank=True,
        default=list,
    )
    retention_note = models.TextField(_("retention (general)"), blank=True)
    # (g) security
    security_measures = models.TextField(
        _("technical and organisational measures"),
        blank=True,
        help_text=_("Never shown in the public register."),
    )
    # Beyond art. 30
    data_source = models.TextField(_("source of the data"), blank=True)
    dpia_needed = models.CharField(
        _("DPIA needed"), max_length=3, choices=DpiaNeeded.choices, blank=True
    )
    dpia_done_on = models.DateField(_("DPIA done on"), null=True, blank=True)
    dpia_document = PdfFileField(_("DPIA (PDF)"), folder="dpia", blank=True)
    protocols = models.ManyToManyField(
        "protocols_registry.ProtocolPage",
        verbose_name=_("protocols"),
        blank=True,
        related_name="processing_activities",
    )
    processors = models.ManyToManyField(
        "protocols_registry.Processor",
        verbose_name=_("processors"),
        blank=True,
        related_name="activities",
    )
    last_review = models.DateField(_("last review"), null=True, blank=True)
    next_review = models.DateField(_("next review"), null=True, blank=True)
    show_in_public_register = models.BooleanField(
        _("show in the public register"), default=False
    )
    internal_notes = models.TextField(
        _("internal notes"),
        blank=True,
        help_text=_("Never shown in the public register."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = ACTIVITY_HISTORY
    objects = ProcessingActivityQuerySet.as_manager()

    search_fields = [
        index.SearchField("name", boost=2),
        index.SearchField("reference"),
        index.SearchField("purposes"),
        index.AutocompleteField("name"),
        index.FilterField("status"),
        index.FilterField("owner_department"),
        index.FilterField("lawful_basis"),
    ]

    class Meta:
        ordering = ["reference"]
        verbose_name = _("processing activity")
        verbose_name_plural = _("processing activities")
        indexes = [
            models.Index(fields=["owner_department"], name="activity_department"),
            models.Index(fields=["next_review"], name="activity_next_review"),
        ]

    def __str__(self):
        return f"{self.reference} – {self.name}"

    @property
    def slug(self):
        return slugify(self.reference)

    def clean(self):
        errors = {}
        if self.status == self.Status.RETIRED and not self.retired_on:
            errors["retired_on"] = _("A retired activity needs the date it ended.")
        if self.replaced_by_id and self.replaced_by_id == self.pk:
            errors["replaced_by"] = _("An activity cannot replace itself.")
        if self.special_categories and not self.special_category_condition:
            errors["special_category_condition"] = _(
                "Name the art. 9(2) or 10 condition for the special categories."
            )
        if (
            self.dpia_needed == self.DpiaNeeded.YES
            and self.dpia_done_on is None
            and (self.status == self.Status.ACTIVE)
        ):
            errors["dpia_done_on"] = _(
                "An active processing that needs a DPIA must say when it was done."
            )
        if (
            self.third_country_transfers == ThirdCountryTransfers.YES
            and not self.transfer_safeguard
        ):
            errors["transfer_safeguard"] = _(
                "Transfers outside the EEA need a safeguard (art. 44-49)."
            )
        if errors:
            raise ValidationError(errors)

    def missing_elements(self):
        """Labels of the mandatory elements this activity lacks (empty: complete)."""
        if self.pk is None:
            return [str(label) for _key, label, _condition in REQUIRED_ELEMENTS]
        row = (
            type(self)
            .objects.filter(pk=self.pk)
            .with_completeness()
            .values(*[f"missing_{key}" for key, _l, _c in REQUIRED_ELEMENTS])
            .get()
        )
        return [
            str(label)
            for key, label, _condition in REQUIRED_ELEMENTS
            if row[f"missing_{key}"]
        ]

    def is_review_overdue(self, day=None):
        day = day or timezone.localdate()
        if self.status == self.Status.RETIRED:
            return False
        return self.next_review is None or self.next_review < day


class Processor(index.Indexed, models.Model):
    """A processor that handles personal data on a controller's behalf (GDPR art. 28).

    ``controller`` is the organisation whose register lists it: a processor serving
    two controllers of this installation is entered once per controller, each with
    its own agreement.
    """

    controller = models.ForeignKey(
        "protocols_registry.Organisation",
        verbose_name=_("controller"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="processors",
        help_text=_("The controller on whose behalf it processes."),
    )
    name = models.CharField(_("name"), max_length=200)
    enterprise_number = EnterpriseNumberField(
        _("enterprise number (KBO)"),
        blank=True,
        help_text=_("Leave empty for a processor outside Belgium."),
    )
    country = models.CharField(
        _("country"),
        max_length=2,
        default="BE",
        help_text=_("Two-letter country code (ISO 3166), e.g. BE, NL, IE."),
    )
    contact = models.TextField(_("contact"), blank=True)
    dpo_contact = models.CharField(
        _("DPO of the processor"), max_length=250, blank=True
    )
    processing_description = models.TextField(
        _("what it processes for us"),
        help_text=_("The service and the personal data it involves."),
    )
    agreement_signed_on = models.DateField(
        _("processor agreement signed on"), null=True, blank=True
    )
    agreement_document = PdfFileField(
        _("processor agreement (PDF)"), folder="agreements", blank=True
    )
    agreement_ends_on = models.DateField(
        _("processor agreement ends on"), null=True, blank=True
    )
    sub_processors = models.TextField(
        _("sub-processors"),
        blank=True,
        help_text=_("Name, country and task of each sub-processor."),
    )
    third_country_transfers = models.TextField(
        _("transfers to third countries"),
        blank=True,
        help_text=_("Countries and safeguards; leave empty when there are none."),
    )
    last_assessment = models.DateField(_("last assessment"), null=True, blank=True)
    assessment_note = models.TextField(_("assessment (summary)"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = PROCESSOR_HISTORY

    search_fields = [
        index.SearchField("name", boost=2),
        index.AutocompleteField("name"),
        index.SearchField("processing_description"),
        index.FilterField("country"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("processor")
        verbose_name_plural = _("processors")

    def __str__(self):
        return self.name

    def clean(self):
        self.country = (self.country or "").strip().upper()
        errors = {}
        if len(self.country) != 2 or not self.country.isalpha():
            errors["country"] = _("Use the two-letter country code, e.g. BE.")
        if (
            self.agreement_signed_on
            and self.agreement_ends_on
            and self.agreement_ends_on < self.agreement_signed_on
        ):
            errors["agreement_ends_on"] = _(
                "The agreement cannot end before it is signed."
            )
        if errors:
            raise ValidationError(errors)

    def has_valid_agreement(self, day=None):
        day = day or timezone.localdate()
        return bool(
            self.agreement_signed_on
            and self.agreement_signed_on <= day
            and (self.agreement_ends_on is None or self.agreement_ends_on >= day)
        )


# The recorders themselves, for protocols_registry.register_history (set after the
# class bodies: inside them Django would register the recorder a second time).
ProcessingActivity.history_recorder = ACTIVITY_HISTORY
Processor.history_recorder = PROCESSOR_HISTORY


def processors_without_valid_agreement(day=None):
    """Processors with no signed agreement, or one that has ended."""
    day = day or timezone.localdate()
    return Processor.objects.filter(
        Q(agreement_signed_on__isnull=True)
        | Q(agreement_signed_on__gt=day)
        | Q(agreement_ends_on__lt=day)
    )


def default_next_review(day=None):
    """Reviews are due yearly unless the DPO sets another date."""
    day = day or timezone.localdate()
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day + datetime.timedelta(days=365)
