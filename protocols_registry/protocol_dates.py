"""The dates of a protocol that follow from other facts, in one place.

* Signing: a protocol is signed once every party has a signatory with a signing
  date; its signing date is the latest of those dates (the day the last party
  signed). Until then it has none: the page says "approved, not yet signed" rather
  than inventing a day.
* Entry into force: the explicit date the protocol text gives, otherwise (the
  Flemish template's "treedt in werking op het moment dat het door alle partijen is
  goedgekeurd en ondertekend") the signing date; with neither, there is no date and
  the page says the protocol does not give one.
* Last change: the day a changed text was last published. Publishing the approved
  text for the first time changes nothing in it: the text then dates from its
  approval, not from the day it was put on this site (or the demo was loaded).
* The PDF's creation date: when the revision it shows was published.
"""

from django.utils import timezone
from django.utils.html import strip_tags

# The fields that make up the protocol's own words. A publication that changes
# none of them (a signature, a correction of a date field, internal notes) is not a
# change of the text.
TEXT_FIELDS = (
    "title",
    "recitals",
    "data_flow",
    "exchange_note",
    "recitals_continued",
    "service_integrator",
    "subject",
    "collection_purposes",
    "communication_purposes",
    "data_items_intro",
    "retention_note",
    "recipients",
    "periodicity_note",
    "security_general",
    "security_specific",
    "quality",
    "sanctions",
    "notification_duties",
    "transparency",
    "law_and_court",
    "entry_into_force",
    "closing_text",
)


def signing_date(parties, signatories):
    """The day the last party signed, or None while a party has not signed.

    ``parties`` and ``signatories`` are the page's rows (saved or in memory)."""
    party_ids = {party.organisation_id for party in parties if party.organisation_id}
    signed = {}
    for signatory in signatories:
        if signatory.organisation_id and signatory.signed_on:
            day = signed.get(signatory.organisation_id, signatory.signed_on)
            signed[signatory.organisation_id] = max(day, signatory.signed_on)
    if not party_ids or not party_ids <= set(signed):
        return None
    return max(signed[organisation_id] for organisation_id in party_ids)


def unsigned_parties(parties, signatories):
    """The parties (rows) for which nobody has signed yet, in order."""
    signed = {s.organisation_id for s in signatories if s.signed_on}
    return [party for party in parties if party.organisation_id not in signed]


def entry_into_force(page):
    """The first day the protocol applies, or None when no date follows from it."""
    return page.entry_into_force_date or page.signed_date


def text_of(page):
    """The protocol's words, for comparing two versions of one page."""
    return tuple(
        " ".join(strip_tags(str(getattr(page, field, "") or "")).split())
        for field in TEXT_FIELDS
    )


def text_changed(live, candidate):
    """Whether publishing ``candidate`` changes the text of ``live`` (the page row
    as published). A page never published before has no text to change."""
    if live.first_published_at is None:
        return False
    return text_of(live) != text_of(candidate)


def last_text_change(page):
    """The day the published text last changed: the last publication that changed
    it, otherwise the approval of the text."""
    if page.text_changed_at:
        return timezone.localdate(page.text_changed_at)
    return page.approval_date


def published_revision_time(page):
    """When the revision a published page shows went live (the PDF's creation
    date); now for a page that was never published (a preview)."""
    return page.last_published_at or timezone.now()
