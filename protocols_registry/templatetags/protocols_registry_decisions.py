from django import template

from protocols_registry import decision_content, opendata

register = template.Library()


@register.simple_tag
def decision_publication(decision):
    """Everything the page publishes of ``decision``: its parts in order, its
    articles, the members present and the URIs of its linked data."""
    articles = decision_content.articles(decision)
    return {
        "parts": decision_content.published_parts(decision),
        "articles": [
            (article, decision_content.article_uri(decision, article))
            for article in articles
        ],
        "members": decision_content.members(decision),
        "started_at": decision_content.session_started_at(decision),
        "uris": {
            "decision": opendata.decision_uri(decision),
            "agenda_item": opendata.agenda_item_uri(decision),
            "agenda_point": opendata.agenda_point_uri(decision),
            "session": opendata.session_uri(decision),
            "governing_body": opendata.governing_body_uri(decision),
        },
    }
