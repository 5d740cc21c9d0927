from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    """The landing page of the public site: who publishes here, what and why."""

    organisation_name = models.CharField(
        _("organisation name"),
        max_length=200,
        help_text=_("The public body that runs this site, e.g. OCMW Gent."),
    )
    intro = RichTextField(
        _("introduction"),
        features=["bold", "italic", "link", "ul"],
        help_text=_("What this site publishes and why, in plain language."),
    )

    content_panels = Page.content_panels + ["organisation_name", "intro"]

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["section_links"] = self.section_links()
        return context

    def section_links(self):
        """Live pages directly below home that a citizen should find first.

        Found by page type name so that home/ needs no import of the apps' models.
        """
        children = self.get_children().live().public().specific()
        return [child for child in children if child.show_in_menus]
