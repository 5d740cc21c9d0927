from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.fields import RichTextField
from wagtail.models import Page

from protocols_registry.public_cache import PublicCacheMixin


class HomePage(PublicCacheMixin, Page):
    """The landing page of a public site: who publishes here, what and why.

    Cached and shared like the apps' public pages (the cache in front keeps it
    too); any page change elsewhere purges every site, the home page with it."""

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

    # One per site: each organisation of the installation has its own tree, with
    # its home at the top (protocols_registry.SiteOrganisation says whose it is).
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("home page")

    def route(self, request, path_components):
        # A section below home (the protocol list, the register) without a query:
        # the page is remembered by its slug until a page is published, moved or
        # deleted (protocols_registry.public_cache). Wagtail's route takes two.
        if not path_components:
            return super().route(request, path_components)
        child = self._children().get(path_components[0])
        if child is None:
            raise Http404
        return child.route(request, path_components[1:])

    def _children(self):
        """The few sections below home by slug, with their own fields. All at once,
        so that an unknown slug costs nothing and remembers nothing."""
        from protocols_registry.public_cache import remembered

        return remembered(
            f"home-children:{self.pk}",
            lambda: {child.slug: child for child in self.get_children().specific()},
        )

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
