from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from wagtail.models import Site

from protocols_registry import public_cache

register = template.Library()


@register.simple_tag(takes_context=True)
def main_menu(context):
    """Live, public pages right below the site's home page flagged "show in menus"."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return []
    # Every page publication, move or deletion starts a new public-page generation,
    # so the menu is remembered with the pages it links to.
    return public_cache.remembered(
        f"main_menu:{site.pk}",
        lambda: list(
            site.root_page.get_children()
            .live()
            .public()
            .in_menu()
            .only("id", "title", "url_path", "path", "depth")
        ),
        timeout=3600,
    )


@register.simple_tag(takes_context=True)
def other_languages(context):
    """The current page in each other language, for the language switch."""
    request = context.get("request")
    path = request.get_full_path() if request else "/"
    current = translation.get_language()
    links = []
    for code, name in settings.LANGUAGES:
        if code == current:
            continue
        with translation.override(code):
            label = str(name)
        links.append(
            {
                "code": code,
                "lang": code.split("-")[0],
                "name": label,
                "url": translate_url(path, code),
            }
        )
    return links


@register.filter
def primary_subtag(language_code):
    """ "nl-be" -> "nl": the value for <html lang>."""
    return (language_code or "").split("-")[0]


@register.simple_tag(takes_context=True)
def site_name(context):
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    return (site and site.site_name) or settings.WAGTAIL_SITE_NAME


@register.simple_tag(takes_context=True)
def site_organisation(context):
    """The current site's SiteOrganisation setting (its organisation, DPO contact and
    logo), or None when the site has none. Read without Wagtail's for_request(),
    which would create an empty setting on a citizen's GET; remembered with the
    public pages, so a change to the setting or the organisation shows at once."""
    from protocols_registry.models import SiteOrganisation

    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return None
    setting = public_cache.remembered(
        f"site_organisation:{site.pk}",
        lambda: (
            SiteOrganisation.objects.filter(site=site)
            .select_related("organisation", "logo")
            .first()
            or False
        ),
        timeout=3600,
    )
    return setting or None
