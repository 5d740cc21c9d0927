"""What an approval decision says, in the order the decision says it, for everyone
who publishes it with its protocol: the public page, its linked data and the PDF.

DESIGN: "what the decision says (present, competent and involved members, legal
framework, motivation, articles) is published with it". The page and the PDF read
the same parts from ``published_parts(decision)`` (or
``ApprovalDecision.published_parts()``) so they cannot drift apart.

A closed session (besloten vergadering) keeps the deliberation private, not the
decision: once approved, a decision of a local government is made public (Decreet
over het lokaal bestuur, title 8 on publication), and art. 8 of the decree of
18 July 2008 requires the approved protocol to be published on the parties'
websites. The fields kept here are what the decision itself states; nothing of the
debate (votes, interventions) is recorded, so the whole record may be published.
Only approving decisions reach a public page (ProtocolPage.approving_decisions).
"""

import re
from datetime import datetime, time
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from protocols_registry import opendata

# "Artikel 1:", "Artikel 2 -", "Art. 3." at the start of a line.
ARTICLE_START = re.compile(
    r"^\s*(?:Artikel|Art\.)\s*(?P<number>\d+[a-z]?)\s*[:.\-–]?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)


class DecisionPart(NamedTuple):
    """One part of a decision as published.

    ``key`` is stable (the template and the PDF may style or annotate a part by
    it), ``heading`` is translated, ``paragraphs`` are the lines of the text (or
    the names of a list), ``is_list`` says whether they form a list of names.
    """

    key: str
    heading: str
    paragraphs: tuple
    is_list: bool = False

    @property
    def text(self):
        """The part as plain text, one paragraph a line."""
        return "\n".join(self.paragraphs)


class Article(NamedTuple):
    number: str
    heading: str  # as on the decision, e.g. "Artikel 1"
    text: str


def lines(value):
    """The non-empty lines of a text field, stripped: a decision's text is a
    sequence of short paragraphs."""
    return tuple(line.strip() for line in (value or "").splitlines() if line.strip())


def outcome_line(decision):
    """The decision's result as the decision states it, e.g. "Goedgekeurd in
    besloten vergadering van 19 september 2024"."""
    closed = decision.is_closed_session
    messages = {
        ("approved", False): _("Approved in public session of %(date)s"),
        ("approved", True): _("Approved in closed session of %(date)s"),
        ("rejected", False): _("Rejected in public session of %(date)s"),
        ("rejected", True): _("Rejected in closed session of %(date)s"),
        ("postponed", False): _("Postponed in public session of %(date)s"),
        ("postponed", True): _("Postponed in closed session of %(date)s"),
    }
    message = messages[(decision.outcome, closed)]
    return message % {"date": date_format(decision.meeting_date, "j F Y")}


def articles(decision):
    """The articles of the operative part: each starts on a line with "Artikel N"
    (the text may follow on that line or on the next ones). Text before the first
    article ("Beslist het volgende:") is not an article."""
    found = []
    for line in lines(decision.decision_text):
        match = ARTICLE_START.match(line)
        if match:
            found.append(
                [match["number"], f"Artikel {match['number']}", [match["rest"]]]
            )
        elif found:
            found[-1][2].append(line)
    return [
        Article(number, heading, "\n".join(part for part in text if part))
        for number, heading, text in found
    ]


def published_parts(decision):
    """The parts of ``decision`` that are published, in the decision's order;
    empty fields are left out."""
    candidates = [
        DecisionPart("outcome", _("Decision taken"), (outcome_line(decision),)),
        DecisionPart(
            "members_present",
            _("Present at the decision on this item"),
            tuple(decision.members_present_list),
            is_list=True,
        ),
        DecisionPart(
            "competent_member",
            _("Competent member"),
            lines(decision.competent_member),
        ),
        DecisionPart(
            "involved_members",
            _("Involved members"),
            tuple(decision.involved_members_list),
            is_list=True,
        ),
        DecisionPart(
            "legal_framework", _("Legal framework"), lines(decision.legal_framework)
        ),
        DecisionPart("motivation", _("Motivation"), lines(decision.motivation)),
        DecisionPart("advices", _("Advices"), lines(decision.advices_text)),
        DecisionPart(
            "attachments",
            _("Attached documents"),
            lines(decision.attachments_text),
            is_list=True,
        ),
        DecisionPart("decision", _("Operative part"), lines(decision.decision_text)),
    ]
    return [part for part in candidates if part.paragraphs]


class Member(NamedTuple):
    """A member present, as linked data: a mandataris of the governing body and
    the person behind it (besluit-publicatie: besluit:heeftAanwezige)."""

    name: str
    role: str
    uri: str
    person_uri: str


def members(decision):
    """The members present, split into name and role ("Name, role" as on the
    decision), each with a stable URI under the governing body."""
    body = opendata.governing_body_uri(decision)
    person_base = opendata.organisation_uri(decision.organisation) + "/persoon/"
    result = []
    for entry in decision.members_present_list:
        name, _sep, role = entry.partition(",")
        slug = slugify(name)
        result.append(
            Member(
                name.strip(),
                role.strip(),
                f"{body}/mandataris/{slug}",
                person_base + slug,
            )
        )
    return result


def session_started_at(decision):
    """When the session began, as an aware datetime in Brussels time.

    The profile wants an xsd:dateTime; a decision usually gives only the day of
    the session, which is then given as its first moment (00:00 Brussels time)."""
    moment = datetime.combine(
        decision.meeting_date, decision.meeting_start_time or time(0, 0)
    )
    return moment.replace(tzinfo=ZoneInfo("Europe/Brussels"))


def article_uri(decision, article):
    return f"{opendata.decision_uri(decision)}/artikel/{article.number}"
