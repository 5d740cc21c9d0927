from django import template

register = template.Library()


@register.simple_tag
def protocol_versions(page):
    """The versions of ``page``, oldest first, with their decisions (one query).
    Without the frozen text of each version, which the list does not show."""
    if not getattr(page, "pk", None):
        return []
    return list(page.versions.select_related("decision").defer("content"))
