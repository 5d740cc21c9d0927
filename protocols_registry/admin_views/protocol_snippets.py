"""Admin screens for the records behind published protocols: organisations,
approval decisions (board secretary) and DPO advices (DPO)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    PageChooserPanel,
)
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from protocols_registry.models import ApprovalDecision, DPOAdvice, Organisation


class OrganisationViewSet(SnippetViewSet):
    model = Organisation
    icon = "group"
    menu_label = _("Organisations")
    menu_order = 100
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = ["name", "short_name", "kind", "formatted_enterprise_number", "city"]
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
            ["dpo_name", "dpo_email", "dpo_phone"],
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
                FieldRowPanel(["meeting_date", "session", "outcome"]),
                "members_present",
                "competent_member",
            ],
            heading=_("Meeting"),
        ),
        MultiFieldPanel(
            ["legal_framework", "motivation", "decision_text"], heading=_("Content")
        ),
        MultiFieldPanel(["signed_pdf", "publication_url"], heading=_("Documents")),
    ]


class DPOAdviceViewSet(SnippetViewSet):
    model = DPOAdvice
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


class ProtocolRecordsGroup(SnippetViewSetGroup):
    menu_label = _("Protocol records")
    menu_icon = "doc-full"
    menu_order = 250
    items = (OrganisationViewSet, ApprovalDecisionViewSet, DPOAdviceViewSet)
