from django import template

from protocols_registry import opendata

register = template.Library()


@register.simple_tag
def decision_uris(decision):
    """The stable URIs of a decision and the session and body that took it."""
    return {
        "decision": opendata.decision_uri(decision),
        "agenda_item": opendata.agenda_item_uri(decision),
        "agenda_point": opendata.agenda_point_uri(decision),
        "session": opendata.session_uri(decision),
        "governing_body": opendata.governing_body_uri(decision),
    }


@register.simple_tag(takes_context=True)
def listed_protocol_url(context, index_page, protocol):
    """Where the list ``index_page`` links ``protocol``: its page, or for a protocol
    another site publishes, its address below this list (shared_protocols)."""
    from protocols_registry.shared_protocols import url_in_list

    return url_in_list(context.get("request"), index_page, protocol)
