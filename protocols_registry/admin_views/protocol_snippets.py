"""Admin screens for the records behind published protocols: organisations,
approval decisions (board secretary), DPO advices (DPO) and who belongs to which
organisation (administrators)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    PageChooserPanel,
)
from wagtail.admin.ui.tables import Column
from wagtail.snippets.views.snippets import (
    CreateView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

from protocols_registry.admin_views.version_snippets import ProtocolVersionViewSet
from protocols_registry.models import (
    ApprovalDecision,
    DPOAdvice,
    Organisation,
    OrganisationMember,
)


class OrganisationViewSet(SnippetViewSet):
    model = Organisation
    icon = "group"
    menu_label = _("Organisations")
    menu_order = 100
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = [
        "name",
        "short_name",
        "kind",
        Column("formatted_enterprise_number", label=_("enterprise number (KBO)")),
        "city",
    ]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "enterprise_number"]
    search_backend_name = None  # plain database lookups: exact enough for the admin
    panels = [
        MultiFieldPanel(
            ["name", "short_name", "kind", "enterprise_number"], heading=_("Identity")
        ),
        MultiFieldPanel(
            [FieldRowPanel(["street_address", "postal_code", "city"]), "website"],
            heading=_("Address"),
        ),
        MultiFieldPanel(
            ["dpo_name", "dpo_email", "dpo_phone", "privacy_url"],
            heading=_("Data protection officer"),
        ),
        FieldPanel("protocol_publication_url"),
    ]


class ApprovalDecisionViewSet(SnippetViewSet):
    model = ApprovalDecision
    icon = "doc-full-inverse"
    menu_label = _("Approval decisions")
    menu_order = 200
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = [
        "reference",
        "title",
        "organisation",
        "governing_body",
        "meeting_date",
        "outcome",
    ]
    list_filter = ["organisation", "governing_body", "outcome", "session"]
    search_fields = ["reference", "title"]
    search_backend_name = None
    ordering = ["-meeting_date", "reference"]
    panels = [
        MultiFieldPanel(
            ["reference", "title", "organisation", "governing_body"],
            heading=_("Decision"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(["meeting_date", "meeting_start_time"]),
                FieldRowPanel(["session", "outcome"]),
                "members_present",
                "competent_member",
                "involved_members",
            ],
            heading=_("Meeting"),
        ),
        MultiFieldPanel(
            [
                "legal_framework",
                "motivation",
                "advices_text",
                "decision_text",
                "attachments_text",
            ],
            heading=_("Content"),
        ),
        MultiFieldPanel(["signed_pdf", "publication_url"], heading=_("Documents")),
    ]


class DPOAdviceCreateView(CreateView):
    """The advice form, filled in for the protocol and party the workflow asks
    about (``?protocol=<id>&organisation=<id>``, the links of the DPO's mail and
    dashboard)."""

    def get_initial(self):
        initial = super().get_initial()
        for name in ("protocol", "organisation"):
            value = self.request.GET.get(name, "")
            if value.isdigit():
                initial[name] = int(value)
        if "protocol" in initial:
            initial.setdefault("advice_date", timezone.localdate())
            initial.setdefault("dpo_name", self.request.user.get_full_name())
        return initial


class DPOAdviceViewSet(SnippetViewSet):
    model = DPOAdvice
    add_view_class = DPOAdviceCreateView
    icon = "tick-inverse"
    menu_label = _("DPO advices")
    menu_order = 300
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = ["protocol", "organisation", "advice_date", "verdict"]
    list_filter = ["verdict", "organisation"]
    search_fields = ["dpo_name", "protocol__title", "protocol__reference"]
    search_backend_name = None
    ordering = ["-advice_date"]
    panels = [
        PageChooserPanel("protocol", page_type="protocols_registry.ProtocolPage"),
        "organisation",
        FieldRowPanel(["dpo_name", "advice_date"]),
        "verdict",
        "conditions",
        "document",
    ]


class OrganisationMemberViewSet(SnippetViewSet):
    """Who is the DPO or board secretary of which organisation. No role is granted
    this model's permissions: only administrators see and change it."""

    model = OrganisationMember
    icon = "user"
    menu_label = _("Members of organisations")
    menu_order = 400
    copy_view_enabled = False
    list_display = ["user", "organisation", "roles"]
    list_filter = ["organisation"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    search_backend_name = None
    ordering = ["organisation__name", "user__username"]
    panels = ["user", "organisation"]

    def register_chooser_viewset(self):
        # Nothing chooses a membership, and Wagtail's snippet chooser would list
        # who speaks for which organisation to every admin user.
        pass


class ProtocolRecordsGroup(SnippetViewSetGroup):
    menu_label = _("Protocol records")
    menu_icon = "doc-full"
    menu_order = 250
    items = (
        OrganisationViewSet,
        ApprovalDecisionViewSet,
        DPOAdviceViewSet,
        ProtocolVersionViewSet,
        OrganisationMemberViewSet,
    )
