"""Mirror another installation's published protocols from its open-data export.

The source is a protocol list's ``export.json`` of another installation of this
registry (docs/open-data.md): ``{"generated_at", "source", "publisher", "fields",
"protocols": [...]}``, each protocol with the stable keys of
protocols_registry.opendata. A source may split it over pages with a ``next``
address; the harvester follows it.

A harvest is all-or-nothing per source: every page is fetched and every record
checked before anything is written, in one transaction. A fetch or parse error
changes nothing in the mirror; it is kept on the source (``last_error``, in Dutch,
naming the source and the record) and raised. A protocol the source no longer
publishes is removed from the mirror: we show what the other party publishes now,
never what it withdrew.

Each run that changes the mirror or not is written to Wagtail's log of the source
(action ``protocols_registry.harvest``): the ids of the rows added, updated and
removed, no text from the source.
"""

import datetime
import hashlib
import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from protocols_registry import public_cache
from protocols_registry.conf import get_setting
from protocols_registry.models import HarvestedProtocol, HarvestSource

LOG_ACTION = "protocols_registry.harvest"
SCHEMES = ("http", "https")
# The Dutch of the errors kept on the source: it is read in the admin of a Dutch site.
ERROR_LANGUAGE = "nl"


class HarvestError(Exception):
    """What went wrong, in Dutch, naming the source (and the record)."""


@dataclass
class HarvestResult:
    source: HarvestSource
    added: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    unchanged: int = 0


def is_web_address(value):
    """An absolute http(s) address: the only kind the mirror follows or links to
    (a ``javascript:`` or ``file:`` address from a source must never reach a page)."""
    if not isinstance(value, str) or not value:
        return False
    parts = urlsplit(value)
    return parts.scheme in SCHEMES and bool(parts.hostname)


def fetch_json(url):
    """The JSON document at ``url``, within the time and size limits; raises
    HarvestError with the reason (without naming the source: the caller does)."""
    if not is_web_address(url):
        raise HarvestError(_("the address is not an http(s) address"))
    limit = get_setting("PROTOCOLS_REGISTRY_HARVEST_MAX_BYTES")
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
        url,
        headers={
            "Accept": "application/json",
            "User-Agent": "protocol-registry-harvester",
        },
    )
    try:
        with urllib.request.urlopen(  # noqa: S310 (the scheme is checked above)
            request, timeout=get_setting("PROTOCOLS_REGISTRY_HARVEST_TIMEOUT")
        ) as response:
            if not is_web_address(response.geturl()):
                raise HarvestError(_("the address redirected outside http(s)"))
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise HarvestError(_too_large(limit))
            body = response.read(limit + 1)
    except urllib.error.HTTPError as error:
        raise HarvestError(
            _("the server answered with HTTP status %(status)s")
            % {"status": error.code}
        ) from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise HarvestError(
            _("the server could not be reached (%(reason)s)") % {"reason": reason}
        ) from error
    if len(body) > limit:
        raise HarvestError(_too_large(limit))
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise HarvestError(_("the answer is not valid JSON")) from error


def _too_large(limit):
    return _("the answer is larger than %(limit)s bytes") % {"limit": limit}


def fetch_export(url):
    """``(first page, every protocol record)`` of the export at ``url``, following
    ``next`` addresses (never one already seen, at most the configured pages)."""
    first = None
    records = []
    seen = set()
    pages = get_setting("PROTOCOLS_REGISTRY_HARVEST_MAX_PAGES")
    while url:
        if url in seen or len(seen) >= pages:
            raise HarvestError(
                _("the export has more than %(pages)s pages or loops")
                % {"pages": pages}
            )
        seen.add(url)
        document = fetch_json(url)
        if not isinstance(document, dict) or not isinstance(
            document.get("protocols"), list
        ):
            raise HarvestError(_("the answer is not a protocol export (no protocols)"))
        first = first or document
        records.extend(document["protocols"])
        following = document.get("next")
        url = urljoin(url, following) if following else None
    return first, records


def _text(record, key, required=True, limit=500):
    value = record.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise HarvestError(_("the field “%(field)s” is missing") % {"field": key})
    if len(value) > limit:
        raise HarvestError(_("the field “%(field)s” is too long") % {"field": key})
    return value.strip()


def clean_record(record):
    """The fields of the mirror from one export record; HarvestError names the
    first field that is missing or wrong."""
    if not isinstance(record, dict):
        raise HarvestError(_("the record is not an object"))
    fields = {
        "uri": _text(record, "uri"),
        "reference": _text(record, "reference", limit=100),
        "title": _text(record, "title"),
        "status": _text(record, "status", required=False, limit=40),
        "url": _text(record, "url"),
        "pdf_url": _text(record, "pdf_url", required=False),
    }
    for key in ("url", "pdf_url"):
        if fields[key] and not is_web_address(fields[key]):
            raise HarvestError(
                _("the field “%(field)s” is not an http(s) address") % {"field": key}
            )
    parties = record.get("parties", [])
    if not isinstance(parties, list) or not all(
        isinstance(party, str) for party in parties
    ):
        raise HarvestError(
            _("the field “%(field)s” is not a list of names") % {"field": "parties"}
        )
    fields["parties"] = parties
    approval = record.get("approval_date") or ""
    try:
        fields["approval_date"] = (
            datetime.date.fromisoformat(approval) if approval else None
        )
    except (TypeError, ValueError) as error:
        raise HarvestError(
            _("the field “%(field)s” is not a date") % {"field": "approval_date"}
        ) from error
    fields["raw_record"] = record
    fields["content_hash"] = content_hash(record)
    return fields


def content_hash(record):
    canonical = json.dumps(record, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def clean_records(records):
    cleaned = {}
    for number, record in enumerate(records, 1):
        try:
            fields = clean_record(record)
        except HarvestError as error:
            reference = record.get("reference") if isinstance(record, dict) else None
            raise HarvestError(
                _("protocol %(number)s (%(reference)s): %(error)s")
                % {"number": number, "reference": reference or "?", "error": error}
            ) from error
        if fields["uri"] in cleaned:
            raise HarvestError(
                _("protocol %(number)s (%(reference)s): the URI appears twice")
                % {"number": number, "reference": fields["reference"]}
            )
        cleaned[fields["uri"]] = fields
    return cleaned


def harvest(source):
    """Bring the mirror of ``source`` up to date with its export; all or nothing.
    Returns a HarvestResult; raises HarvestError (kept on the source) on failure."""
    now = timezone.now()
    try:
        with translation.override(ERROR_LANGUAGE):
            try:
                document, records = fetch_export(source.url)
                cleaned = clean_records(records)
            except HarvestError as error:
                raise HarvestError(
                    _("Harvest of %(source)s failed: %(error)s")
                    % {"source": source.url, "error": error}
                ) from error
    except HarvestError as error:
        source.last_attempt_at = now
        source.last_error = str(error)
        source.save(update_fields=["last_attempt_at", "last_error"])
        raise
    with transaction.atomic():
        result = _apply(source, document, cleaned, now)
    return result


def _publisher_name(document):
    publisher = document.get("publisher")
    if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
        return publisher["name"].strip()[:255]
    return ""


def _apply(source, document, cleaned, now):
    source = HarvestSource.objects.select_for_update().get(pk=source.pk)
    result = HarvestResult(source)
    existing = {row.uri: row for row in source.protocols.all()}
    for uri, fields in cleaned.items():
        row = existing.pop(uri, None)
        if row is None:
            row = HarvestedProtocol.objects.create(
                source=source, retrieved_at=now, **fields
            )
            result.added.append(row.pk)
        elif row.content_hash != fields["content_hash"]:
            for name, value in fields.items():
                setattr(row, name, value)
            row.retrieved_at = now
            row.save()
            result.updated.append(row.pk)
        else:
            result.unchanged += 1
    # Unchanged rows were retrieved now too: that is what the page says.
    HarvestedProtocol.objects.filter(source=source).update(retrieved_at=now)
    for row in existing.values():
        result.removed.append(row.pk)
        row.delete()
    source.name = _publisher_name(document) or source.name
    list_url = document.get("source")
    source.list_url = (
        list_url if is_web_address(list_url) and len(list_url) <= 500 else ""
    )
    source.last_attempt_at = now
    source.last_success_at = now
    source.last_error = ""
    source.save()
    _log(result)
    # update() above sends no signal: the public lists show the new time now.
    public_cache.invalidate()
    return result


def mirrored_sources(index_page):
    """The sources the list ``index_page`` shows, with their protocols: those
    harvested at least once with something in them. Remembered per public-page
    generation, as the list's choices are: a harvest starts a new one (above), and
    so does any write to a source or its protocols (signals.public_change); a
    query on every request of the list otherwise, for sources most installations
    do not have."""
    return public_cache.remembered(
        f"harvest-sources:{index_page.pk}",
        lambda: list(
            HarvestSource.objects.filter(index=index_page, protocols__isnull=False)
            .distinct()
            .prefetch_related("protocols")
        ),
    )


def _log(result):
    from wagtail.log_actions import log

    log(
        instance=result.source,
        action=LOG_ACTION,
        data={
            "source": result.source.pk,
            "added": result.added,
            "updated": result.updated,
            "removed": result.removed,
        },
    )
