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
