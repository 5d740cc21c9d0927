from django.db import models
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from protocols_registry.models.protocols import RICH_TEXT_FEATURES
from protocols_registry.public_cache import PublicCacheMixin


class ProcessingRegisterPage(PublicCacheMixin, RoutablePageMixin, Page):
    """The public part of the register of processing activities (/verwerkingsregister/).

    Lists only activities marked public and not in draft; a detail page per activity
    at ``<reference>/``. Security measures, internal notes and contacts other than
    the DPO's functional mailbox never appear here.

    Each controller keeps its own register: a page with a ``controller`` shows the
    activities that organisation controls and those where it is a joint controller
    (marked as such). A page without a controller (a host project with a single
    organisation, or a page made before controllers were set) shows every public
    activity, as before.

    The same list is open data at ``export.csv``, ``export.json`` and
    ``export.jsonld`` (protocols_registry.register_opendata, served through
    protocols_registry.public_urls: Wagtail's page routes end with a slash).
    """

    controller = models.ForeignKey(
        "protocols_registry.Organisation",
        verbose_name=_("controller"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="register_pages",
        help_text=_(
            "The organisation whose register this page shows. Leave empty to show "
            "every public activity of this installation."
        ),
    )
    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = Page.content_panels + ["controller", "intro"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("public register of processing activities")
        verbose_name_plural = _("public registers of processing activities")

    def public_activities(self):
        from protocols_registry.models import ProcessingActivity, ProtocolPage

        activities = ProcessingActivity.objects.public()
        if self.controller_id:
            activities = activities.of_controller(self.controller_id)
        return activities.select_related("controller").prefetch_related(
            "data_subject_categories",
            "personal_data_categories",
            "joint_controllers",
            Prefetch(
                "protocols",
                queryset=ProtocolPage.objects.live()
                .public()
                .only("id", "title", "reference", "url_path", "path", "depth"),
            ),
        )

    def get_cached_paths(self):
        """What frontend_cache purges with the register: the list, its open data
        and every public activity's page."""
        from protocols_registry.models import ProcessingActivity

        activities = ProcessingActivity.objects.public()
        if self.controller_id:
            activities = activities.of_controller(self.controller_id)
        references = activities.values_list("reference", flat=True)
        exports = ["export.csv", "export.json", "export.jsonld", "export.pdf"]
        return ["/", *exports] + [f"{reference}/" for reference in references]

    @path("")
    def list_view(self, request):
        from protocols_registry.views.register_public import register_list

        return register_list(request, self)

    @path("<str:reference>/")
    def detail_view(self, request, reference):
        from protocols_registry.views.register_public import register_detail

        return register_detail(request, self, reference)
