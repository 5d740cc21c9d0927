from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    MultipleChooserPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import RichTextField
from wagtail.models import Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from protocols_registry import full_text, public_cache
from protocols_registry.fields import DecisionReferenceField
from protocols_registry.models.versions import DecisionEffect
from protocols_registry.public_cache import PublicCacheMixin
from protocols_registry.shared_protocols import SHARED_ROUTE, is_unshared_slug
from protocols_registry.validators import slug_for_reference

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "h3", "h4"]


class ProtocolStatus(models.TextChoices):
    """Where a protocol stands; derived from its decisions and dates, never typed."""

    DRAFT = "draft", pgettext_lazy("protocol status", "draft")
    APPROVED_UNSIGNED = "approved_unsigned", _("approved, not yet signed")
    APPROVED = "approved", _("approved")
    IN_FORCE = "in_force", _("in force")
    ENDED = "ended", _("ended")
    TERMINATED = "terminated", _("terminated")


class ProtocolPageQuerySet(PageQuerySet):
    def with_status(self, day=None):
        """Annotate ``current_status`` (a ProtocolStatus value) as on ``day``.

        The same rule as ProtocolPage.status_on(), in SQL, so the public list can
        filter and count by status; a test keeps the two in agreement.
        """
        day = day or timezone.localdate()
        return self.annotate(
            effective_from=Coalesce(F("entry_into_force_date"), F("signed_date"))
        ).annotate(
            current_status=Case(
                When(approval_date__isnull=True, then=Value(ProtocolStatus.DRAFT)),
                When(terminated_on__lte=day, then=Value(ProtocolStatus.TERMINATED)),
                When(
                    effective_from__isnull=True,
                    then=Value(ProtocolStatus.APPROVED_UNSIGNED),
                ),
                When(end_date__lt=day, then=Value(ProtocolStatus.ENDED)),
                When(effective_from__lte=day, then=Value(ProtocolStatus.IN_FORCE)),
                default=Value(ProtocolStatus.APPROVED),
                output_field=models.CharField(),
            )
        )

    def with_status_filter(self, status, day=None):
        return self.with_status(day).filter(current_status=status)


ProtocolPageManager = PageManager.from_queryset(ProtocolPageQuerySet)


# A reference as decisions print it (2024_VB_00591) or any other spelling
# (2024-VB-00591, 2024_vb_00591), with whatever route of the protocol follows. Not
# the slug's own spelling (2024-vb-00591): that is the page, or nothing here.
REFERENCE_ROUTE = (
    r"^(?!\d{4}-[a-z]{2,8}-\d{5}/)"
    r"(?P<reference>\d{4}[_-][A-Za-z]{2,8}[_-]\d{5})/(?P<rest>(?:[\w-]+/)*)$"
)


class ProtocolIndexPage(PublicCacheMixin, RoutablePageMixin, Page):
    """The public list of protocols (/protocollen/), its feed and open-data exports.

    Routes: the list itself, ``feed/`` (Atom), a protocol's reference as printed
    (``2024_VB_00591/``), which redirects to its page, and a protocol another site
    of this installation publishes with this site's organisation as a party
    (``2024-vb-00591/``, protocols_registry.shared_protocols). The exports
    ``export.csv`` and ``export.json`` have no trailing slash, which Wagtail's page
    URLs cannot express, so protocols_registry.public_urls serves them. The views live in
    protocols_registry.views so this model stays small.
    """

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = Page.content_panels + ["intro"]

    subpage_types = ["protocols_registry.ProtocolPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("protocol list")
        verbose_name_plural = _("protocol lists")

    def protocols(self):
        """The live, public protocols this list shows: its own and those shared
        with its site's organisation."""
        from protocols_registry.shared_protocols import listed_protocols

        return listed_protocols(self).live().public().with_status()

    def route(self, request, path_components):
        # A protocol below this list is found with its own fields in one query;
        # Wagtail's generic routing takes two (the page, then its specific type).
        # A child is the page one level deeper whose path starts with this list's,
        # as in Wagtail's own get_children(), and slugs are unique among siblings.
        if path_components:
            for child in protocols_by_depth_and_slug(
                self.depth + 1, path_components[0]
            ):
                if child.path.startswith(self.path):
                    return child.route(request, path_components[1:])
            if is_unshared_slug(self, path_components[0]):
                raise Http404
        return super().route(request, path_components)

    @path("")
    def list_view(self, request):
        from protocols_registry.views.public import protocol_list

        return protocol_list(request, self)

    def get_cached_paths(self):
        # What frontend_cache purges with the list: exports have no trailing
        # slash (protocols_registry.public_urls).
        return ["/", "feed/", "export.csv", "export.json"]

    @path("feed/")
    def feed_view(self, request):
        from protocols_registry.views.public import protocol_feed

        return protocol_feed(request, self)

    @re_path(REFERENCE_ROUTE)
    def reference_view(self, request, reference, rest=""):
        from protocols_registry.views.public import protocol_by_reference

        return protocol_by_reference(request, self, reference, rest)

    @re_path(SHARED_ROUTE)
    def shared_view(self, request, slug, rest=""):
        from protocols_registry.shared_protocols import serve_shared

        return serve_shared(request, self, slug, rest)


class ProtocolPage(PublicCacheMixin, RoutablePageMixin, Page):
    """A data-sharing protocol as published under article 10, section by section.

    The structure follows the Flemish template the seed protocol 2024_VB_00591 uses.
    A protocol is published only with an approving decision and a favourable advice
    of each party's DPO (see protocols_registry.publication); its status follows from
    decisions and dates.
    """

    class Periodicity(models.TextChoices):
        ONE_OFF = "one_off", _("one-off")
        PERIODIC = "periodic", _("periodic")
        CONTINUOUS = "continuous", _("continuous")

    class Duration(models.TextChoices):
        FIXED = "fixed", _("fixed duration")
        INDEFINITE = "indefinite", _("indefinite duration")

    reference = DecisionReferenceField(
        _("reference"),
        unique=True,
        help_text=_(
            "The reference of the protocol, usually that of the approving decision, "
            "e.g. 2024_VB_00591. The web address is derived from it."
        ),
    )
    summary = models.TextField(
        _("summary"),
        help_text=_("Two or three sentences for the list and search results."),
    )
    recitals = RichTextField(
        _("recitals"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_(
            "Who the parties are and why they exchange data (NA TE HEBBEN UITEENGEZET)."
        ),
    )
    data_flow = RichTextField(
        _("description of the data flow"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_("C2: how the planned flow of data goes."),
    )
    exchange_note = RichTextField(
        _("after the exchange procedure"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_(
            "What the protocol says after the steps of the exchange procedure."
        ),
    )
    recitals_continued = RichTextField(
        _("recitals after C3"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_(
            "Recitals the protocol places after the data flow and the service "
            "integrator (in the template: D to G)."
        ),
    )
    service_integrator = models.CharField(
        _("service integrator"),
        max_length=200,
        blank=True,
        help_text=_(
            "C3: the service integrator the data passes through; leave empty "
            "when none is used."
        ),
    )
    subject = RichTextField(
        _("article 1: subject"), blank=True, features=RICH_TEXT_FEATURES
    )
    collection_purposes = RichTextField(
        _("article 2: purposes and legal grounds of the collection"),
        blank=True,
        features=RICH_TEXT_FEATURES,
    )
    communication_purposes = RichTextField(
        _("article 2: purposes and legal grounds of the communication"),
        blank=True,
        features=RICH_TEXT_FEATURES,
    )
    data_items_intro = RichTextField(
        _("article 3: introduction"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_(
            "The purpose the data items serve and whether special categories "
            "are involved."
        ),
    )
    retention_note = RichTextField(
        _("article 3: retention"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_("How long the recipient keeps the data and why."),
    )
    recipients = RichTextField(
        _("article 4: recipients"), blank=True, features=RICH_TEXT_FEATURES
    )
    periodicity = models.CharField(
        _("article 5: periodicity"),
        max_length=12,
        choices=Periodicity.choices,
        default=Periodicity.ONE_OFF,
    )
    frequency = models.CharField(
        _("frequency"),
        max_length=200,
        blank=True,
        help_text=_("For periodic communication: how often, e.g. monthly."),
    )
    duration = models.CharField(
        _("duration"), max_length=12, choices=Duration.choices, default=Duration.FIXED
    )
    end_date = models.DateField(
        _("end date"),
        null=True,
        blank=True,
        help_text=_("For a fixed duration: the last day the protocol applies."),
    )
    periodicity_note = RichTextField(
        _("article 5: periodicity and duration"),
        blank=True,
        features=RICH_TEXT_FEATURES,
    )
    security_general = RichTextField(
        _("article 6: general security measures"),
        blank=True,
        features=RICH_TEXT_FEATURES,
    )
    security_specific = RichTextField(
        _("article 6: specific security measures"),
        blank=True,
        features=RICH_TEXT_FEATURES,
    )
    quality = RichTextField(
        _("article 7: quality of the data"), blank=True, features=RICH_TEXT_FEATURES
    )
    sanctions = RichTextField(
        _("article 8: sanctions"), blank=True, features=RICH_TEXT_FEATURES
    )
    notification_duties = RichTextField(
        _("article 9: notification duties"), blank=True, features=RICH_TEXT_FEATURES
    )
    transparency = RichTextField(
        _("article 10: transparency"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_("Where each party publishes this protocol."),
    )
    law_and_court = RichTextField(
        _("article 11: applicable law and court"),
        blank=True,
        features=RICH_TEXT_FEATURES,
    )
    entry_into_force = RichTextField(
        _("article 12: entry into force and notice"),
        blank=True,
        features=RICH_TEXT_FEATURES,
    )
    entry_into_force_date = models.DateField(
        _("date of entry into force"),
        null=True,
        blank=True,
        help_text=_(
            "Leave empty when the protocol enters into force once approved "
            "and signed by all parties."
        ),
    )
    notice_period_months = models.PositiveSmallIntegerField(
        _("notice period (months)"), null=True, blank=True
    )
    signed_place = models.CharField(_("signed at"), max_length=100, blank=True)
    closing_text = models.TextField(
        _("closing words"),
        blank=True,
        help_text=_(
            "The protocol's closing sentence as written, e.g. "
            "\u201cOpgemaakt te Gent, op _____, in evenveel exemplaren\u2026\u201d."
        ),
    )
    signed_date = models.DateField(
        _("signed on"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Derived: the day the last party signed, once every party signed."),
    )
    text_changed_at = models.DateTimeField(
        _("text last changed"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Derived: when a publication last changed the protocol's words."),
    )
    terminated_on = models.DateField(
        _("terminated on"),
        null=True,
        blank=True,
        help_text=_("Only when a party ended the protocol early (art. 8 or 12)."),
    )
    termination_reason = models.CharField(
        _("reason for termination"), max_length=300, blank=True
    )
    internal_notes = models.TextField(
        _("internal notes"),
        blank=True,
        help_text=_("For editors only: never shown on the public site."),
    )
    approval_date = models.DateField(
        _("approval date"),
        null=True,
        blank=True,
        editable=False,
        db_index=True,
        help_text=_("Derived: the latest meeting date of the approving decisions."),
    )

    # The public list's full-text search on PostgreSQL (protocols_registry.full_text),
    # kept by save(); empty on other databases, which search through Wagtail.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ProtocolPageManager()

    search_fields = Page.search_fields + [
        index.SearchField("reference", boost=3),
        index.AutocompleteField("reference"),
        index.SearchField("summary", boost=2),
        index.AutocompleteField("summary"),
        index.SearchField("search_party_names", boost=2),
        index.AutocompleteField("search_party_names"),
        index.SearchField("search_data_items"),
        index.SearchField("recitals"),
        index.AutocompleteField("recitals"),
        index.SearchField("subject"),
        index.SearchField("collection_purposes"),
        index.SearchField("communication_purposes"),
        index.SearchField("data_flow"),
        index.FilterField("approval_date"),
        index.FilterField("periodicity"),
    ]

    content_panels = Page.content_panels + [
        FieldRowPanel(["reference"]),
        "summary",
        InlinePanel("parties", heading=_("Parties"), label=_("party"), min_num=2),
        MultipleChooserPanel(
            "decision_links",
            heading=_("Approval decisions"),
            label=_("decision"),
            chooser_field_name="decision",
        ),
        "recitals",
        MultiFieldPanel(
            [
                "data_flow",
                InlinePanel(
                    "exchange_steps",
                    heading=_("Exchange procedure"),
                    label=_("step"),
                ),
                "exchange_note",
                "service_integrator",
                "recitals_continued",
            ],
            heading=_("Data flow"),
        ),
        "subject",
        MultiFieldPanel(
            ["collection_purposes", "communication_purposes"],
            heading=_("Article 2: purposes and legal grounds"),
        ),
        MultiFieldPanel(
            [
                "data_items_intro",
                InlinePanel(
                    "data_items", heading=_("Data items"), label=_("data item")
                ),
                "retention_note",
            ],
            heading=_("Article 3: data items"),
        ),
        "recipients",
        MultiFieldPanel(
            [
                FieldRowPanel(["periodicity", "frequency"]),
                FieldRowPanel(["duration", "end_date"]),
                "periodicity_note",
            ],
            heading=_("Article 5: periodicity and duration"),
        ),
        MultiFieldPanel(
            ["security_general", "security_specific"],
            heading=_("Article 6: security measures"),
        ),
        "quality",
        "sanctions",
        "notification_duties",
        "transparency",
        "law_and_court",
        MultiFieldPanel(
            [
                "entry_into_force",
                FieldRowPanel(["entry_into_force_date", "notice_period_months"]),
                FieldRowPanel(["terminated_on", "termination_reason"]),
            ],
            heading=_("Article 12: entry into force and notice"),
        ),
        MultiFieldPanel(
            [
                "signed_place",
                "closing_text",
                InlinePanel("signatories", label=_("signatory")),
            ],
            heading=_("Signatures"),
        ),
    ]
    notes_panels = [FieldPanel("internal_notes")]

    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Protocol")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(notes_panels, heading=_("Internal notes")),
        ]
    )

    parent_page_types = ["protocols_registry.ProtocolIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("protocol")
        verbose_name_plural = _("protocols")
        # The public list's default order and its periodicity filter (the other
        # filters use the unique reference, approval_date's own index and the
        # parties' foreign keys).
        indexes = [
            models.Index(
                fields=["-approval_date", "-reference"], name="protocol_newest_first"
            ),
            models.Index(fields=["periodicity"], name="protocol_periodicity"),
            # Created on PostgreSQL only (migration 0014).
            GinIndex(fields=["search_vector"], name="protocol_search_vector"),
        ]

    # --- identity ------------------------------------------------------------------
    def derive_slug(self):
        """The slug is the reference in lower case with dashes, so the address of the
        seed protocol is /protocollen/2024-vb-00591/ and never drifts from it."""
        if not self.reference:
            return
        try:
            self.reference = DecisionReferenceField().to_python(self.reference)
        except ValidationError:
            return  # reported by the field's own validation
        self.slug = slug_for_reference(self.reference)

    def full_clean(self, *args, **kwargs):
        self.derive_slug()
        super().full_clean(*args, **kwargs)

    # --- derived facts -----------------------------------------------------------
    def linked_decisions(self):
        """Its links to decisions, with each decision and its organisation."""
        return self.decision_links.select_related("decision__organisation")

    def approving_decisions(self, decision_links=None):
        """The decisions that approve this protocol, from ``decision_links`` (the
        links as linked_decisions() reads them, by default read here)."""
        if decision_links is None:
            decision_links = self.linked_decisions()
        return [
            link.decision
            for link in decision_links
            if link.decision_id and link.decision.approves
        ]

    def compute_approval_date(self):
        # A decision that ends the protocol does not approve its text.
        links = [
            link
            for link in self.linked_decisions()
            if link.effect != DecisionEffect.TERMINATION
        ]
        dates = [decision.meeting_date for decision in self.approving_decisions(links)]
        return max(dates) if dates else None

    def compute_signed_date(self):
        from protocols_registry.protocol_dates import signing_date

        return signing_date(self.parties.all(), self.signatories.all())

    @property
    def in_force_from(self):
        """The first day it applies; None when neither the text nor the
        signatures give one (see protocols_registry.protocol_dates)."""
        from protocols_registry.protocol_dates import entry_into_force

        return entry_into_force(self)

    @property
    def text_changed_on(self):
        from protocols_registry.protocol_dates import last_text_change

        return last_text_change(self)

    def status_on(self, day=None):
        """The protocol's status on ``day`` (today by default).

        Same rule as ProtocolPageQuerySet.with_status(); keep them together.
        """
        day = day or timezone.localdate()
        if not self.approval_date:
            return ProtocolStatus.DRAFT
        if self.terminated_on and self.terminated_on <= day:
            return ProtocolStatus.TERMINATED
        if self.in_force_from is None:
            return ProtocolStatus.APPROVED_UNSIGNED
        if self.end_date and self.end_date < day:
            return ProtocolStatus.ENDED
        if self.in_force_from <= day:
            return ProtocolStatus.IN_FORCE
        return ProtocolStatus.APPROVED

    @property
    def status(self):
        """Today's status; taken from the with_status() annotation when present."""
        return self.__dict__.get("current_status") or self.status_on()

    def get_status_display(self):
        return ProtocolStatus(self.status).label

    def in_force_on(self, day):
        return self.status_on(day) == ProtocolStatus.IN_FORCE

    def retention_limit(self, data_items=None):
        """The last day data items of this protocol may be kept: the earliest
        retention date among ``data_items`` (all items by default), or None."""
        items = data_items if data_items is not None else self.data_items.all()
        dates = [item.retention_until for item in items if item.retention_until]
        return min(dates) if dates else None

    def party_organisations(self):
        return [
            party.organisation for party in self.parties.all() if party.organisation_id
        ]

    def search_party_names(self):
        return " ".join(
            f"{org.name} {org.short_name}" for org in self.party_organisations()
        )

    def search_data_items(self):
        return " ".join(item.data for item in self.data_items.all())

    # --- publication -------------------------------------------------------------
    def publication_problems(self):
        from protocols_registry.publication import publication_problems

        return publication_problems(self)

    def save(self, *args, **kwargs):
        from protocols_registry.publication import guard_going_live
        from protocols_registry.versions import apply_termination

        self.derive_slug()
        self.approval_date = self.compute_approval_date()
        self.signed_date = self.compute_signed_date()
        apply_termination(self)
        guard_going_live(self)
        result = super().save(*args, **kwargs)
        # After the parties and data items are saved with the page: the vector is
        # computed from the stored rows. A save of a few other columns (Wagtail's
        # revision bookkeeping) leaves the searched text as it was.
        update_fields = kwargs.get("update_fields")
        if update_fields is None or full_text.SEARCHED & set(update_fields):
            full_text.refresh([self.pk])
        return result

    def with_content_json(self, content):
        # When the text last changed is a fact of the live page, not of a revision.
        page = super().with_content_json(content)
        page.text_changed_at = self.text_changed_at
        return page

    def publish(self, revision, *args, **kwargs):
        from protocols_registry.models.workflow import publishing_by_workflow
        from protocols_registry.protocol_dates import text_changed
        from protocols_registry.publication import guard_publish

        if not guard_publish(self, revision, kwargs.get("log_action")):
            return None
        if publishing_by_workflow.get() == str(self.pk):
            # The last step of the protocol workflow was approved by someone the
            # step was assigned to: the workflow publishes for them.
            kwargs["skip_permission_checks"] = True
        # ``self`` may be the edited object a revision was saved from: compare with
        # the row as published.
        live = type(self).objects.filter(pk=self.pk).first()
        changes_text = live is not None and text_changed(live, revision.as_object())
        result = super().publish(revision, *args, **kwargs)
        if changes_text:
            self.text_changed_at = timezone.now()
            type(self).objects.filter(pk=self.pk).update(
                text_changed_at=self.text_changed_at
            )
            # After page_published's new generation: a request in between may
            # have remembered the page without the new date.
            public_cache.invalidate()
        return result

    # --- routes --------------------------------------------------------------------
    @path("")
    def detail_view(self, request):
        from protocols_registry.views.public import protocol_detail

        return protocol_detail(request, self)

    def get_cached_paths(self):
        """What frontend_cache purges with the page: the page, its PDF and its
        signed decisions (the versions of the past do not change)."""
        references = self.decision_links.values_list("decision__reference", flat=True)
        return ["/", "pdf/"] + [f"besluit/{reference}/" for reference in references]

    @path("pdf/")
    def pdf_view(self, request):
        from protocols_registry.views.public import protocol_pdf

        return protocol_pdf(request, self)

    @path("besluit/<str:reference>/")
    def decision_pdf_view(self, request, reference):
        from protocols_registry.views.public import protocol_decision_pdf

        return protocol_decision_pdf(request, self, reference)

    @path("versies/<int:number>/")
    def version_view(self, request, number):
        from protocols_registry.views.versions import version_detail

        return version_detail(request, self, number)

    @path("versies/<int:number>/verschil/")
    def version_diff_view(self, request, number):
        from protocols_registry.views.versions import version_diff

        return version_diff(request, self, number)


def protocols_by_depth_and_slug(depth, slug):
    """The protocols at ``depth`` with ``slug``: the pages a protocol list's child
    may be (usually one; ProtocolIndexPage.route keeps the one below the list).

    Remembered per public-cache generation like home's sections (any publication,
    move or change starts a new one), so that routing to a protocol costs no query
    while nothing changes; a slug that finds nothing is not remembered. Without the
    search vector, which no page shows and which is larger than most of the text.
    """
    return public_cache.remembered(
        f"protocols-at:{depth}:{slug}",
        lambda: list(
            ProtocolPage.objects.filter(depth=depth, slug=slug)
            .defer("search_vector")
            .order_by()
        ),
        keep_empty=False,
    )
