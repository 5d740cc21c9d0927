"""Refused attempts: counted per client and time window, written to the audit log as
one event per window, and answered "429 Too Many Requests" beyond a limit.

Anyone can make a request that is refused (an unknown upload link). The audit log can
never be pruned, so one event per refusal would let a loop of requests grow it
without limit. Each refusal is counted in a RefusalWindow row instead, under a lock
per client, and the audit log gets, per client and window
(EXCHANGES_REFUSAL_WINDOW_SECONDS):

- anonymous: one event at once for the first attempt at each thing refused (any
  unknown link; that one expired link), and one event counting the rest once the
  window has closed. Beyond EXCHANGES_REFUSAL_LIMIT attempts the answer is 429 with
  Retry-After, and the thing refused is no longer told apart.
- a logged-in user: one event per attempt up to the limit, as for every other staff
  action (a person, accountable for each refusal); the rest in one event.

Every such event says in ``details["attempts"]`` how many attempts it stands for:
their sum is exactly the number of refusals. A closed window is written when the
client's next window opens or when ``flush_closed_windows`` runs (publish_audit_head
calls it hourly, so every head counts all refusals up to its window); its rows are
then deleted: they are not the record, the chain is.

An anonymous client is known by its address as Django sees it (REMOTE_ADDR: only a
configured proxy rewrites it, see security.middleware.TrustedProxyMiddleware), taken
whole for IPv4 and as its /64 for IPv6. Neither the address nor its network enters
the chain or the rows: a keyed digest does (HMAC-SHA256 with the pseudonym key,
which never leaves the servers), so the events of one client can be told apart and
linked, and whoever holds the key can test an address named in a complaint
(``client_digest``). Anonymous events carry no ``ip_address``. Beyond
EXCHANGES_REFUSAL_CLIENTS_PER_WINDOW anonymous clients in one window (a botnet, an
IPv6 block), the others share one count (client ``*``): the log grows with time,
never with the number of requests or addresses.
"""

import hashlib
import hmac
import ipaddress
import logging
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Sum
from django.utils import timezone

from exchanges import audit, crypto
from exchanges.conf import get_setting
from exchanges.models import RefusalWindow

logger = logging.getLogger(__name__)

CLIENT_CONTEXT = b"protocol-registry/refusal-client/v1|"
# The anonymous clients beyond those kept apart, counted together.
CROWD = "*"
# The first key of the advisory locks that serialise one client's refusals.
_LOCK_CLASS = 0x5245_4655  # "REFU"
_FLUSH_BATCH = 500
# The detail that names why an attempt was refused (a row's ``reason``): the door
# tried, for the retention refusals (exchanges.retention).
_REASON_NAMES = {"access.refused_retention": "door"}


class Throttled(Exception):  # noqa: N818 - an outcome, named as the answer it gets
    """The attempt was counted; the client is beyond the limit for this window."""

    def __init__(self, retry_after):
        super().__init__(f"Too many refused attempts; retry after {retry_after} s.")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime

    @classmethod
    def around(cls, moment):
        """The window holding ``moment``: windows are aligned on the epoch, so
        every server computes the same ones."""
        length = int(get_setting("EXCHANGES_REFUSAL_WINDOW_SECONDS"))
        seconds = math.floor(moment.timestamp())
        start = datetime.fromtimestamp(seconds - seconds % length, tz=UTC)
        return cls(start, start + timedelta(seconds=length))

    def seconds_left(self, moment):
        return max(1, math.ceil((self.end - moment).total_seconds()))


def client_network(address):
    """What a client is known by: its IPv4 address, or the /64 network of an IPv6
    address (one subscriber gets a whole /64 and may take a new address for each
    request). Empty when there is no valid address."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return ""
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def client_digest(address, key=None):
    """The keyed digest that stands for an anonymous client in the audit log."""
    key = key if key is not None else crypto.load_pseudonym_key()
    message = CLIENT_CONTEXT + client_network(address).encode("ascii")
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def _anonymous_client(request):
    try:
        key = crypto.load_pseudonym_key()
    except crypto.KeyringError:
        # Without the key an address may not be kept, not even as a digest: every
        # anonymous client shares one count then (valid links keep working).
        logger.error("Refused attempts: no pseudonym key, all clients counted as one.")
        return CROWD
    return client_digest(audit.client_ip(request), key)


def _lock(client):
    """Serialise one client's refusals, so its count and limit are exact. SQLite
    has one writer at a time already (transactions start IMMEDIATE)."""
    if connection.vendor == "postgresql":
        digest = hashlib.sha256(client.encode()).digest()
        key = int.from_bytes(digest[:4], "big", signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_CLASS, key])


def _in_window(client, window):
    return RefusalWindow.objects.filter(client=client, window_start=window.start)


def _crowded(client, window):
    """True when ``client`` is new in this window and enough others are kept apart."""
    if _in_window(client, window).exists():
        return False
    kept_apart = (
        RefusalWindow.objects.filter(window_start=window.start)
        .exclude(client__startswith="user:")
        .exclude(client=CROWD)
        .values("client")
        .distinct()
        .count()
    )
    return kept_apart >= get_setting("EXCHANGES_REFUSAL_CLIENTS_PER_WINDOW")


def _count(row, defaults, *, beyond, each):
    """Add one attempt to its row; True when this attempt opened the row (which is
    then recorded, unless beyond the limit). ``each``: every attempt is recorded."""
    add = {"attempts": F("attempts") + 1}
    if beyond:
        add["throttled"] = F("throttled") + 1
    if each:
        add["recorded"] = F("recorded") + 1
    if RefusalWindow.objects.filter(**row).update(**add):
        return False
    try:
        with transaction.atomic():
            RefusalWindow.objects.create(
                **row,
                **defaults,
                attempts=1,
                throttled=int(beyond),
                recorded=int(not beyond),
            )
        return True
    except IntegrityError:
        # Opened meanwhile: a slow attempt reopening a window the flush just wrote.
        RefusalWindow.objects.filter(**row).update(**add)
        return False


def refuse(request, action, *, obj=None, transfer=None, reason="", details=None):
    """Count one refused attempt and write what the audit log must get of it, in
    one transaction. Raises Throttled, after counting, when the client had been
    refused EXCHANGES_REFUSAL_LIMIT times already in this window."""
    now = timezone.now()
    window = Window.around(now)
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        client, actor = f"user:{user.pk}", user.get_username()
    else:
        user, actor = None, "anonymous"
        client = _anonymous_client(request)
        if client != CROWD and _crowded(client, window):
            client = CROWD
    with transaction.atomic():
        _lock(client)
        counted = _in_window(client, window).aggregate(n=Sum("attempts"))["n"] or 0
        if not counted:
            # The client's first refusal in this window: its earlier ones are complete.
            _flush(
                RefusalWindow.objects.filter(
                    client=client, window_start__lt=window.start
                )
            )
        beyond = counted >= get_setting("EXCHANGES_REFUSAL_LIMIT")
        # An anonymous client's attempts at each thing refused are told apart (and
        # the first one recorded) up to the limit; a user's are recorded one by one.
        apart = not beyond and user is None and client != CROWD and obj is not None
        row = {
            "action": action,
            "client": client,
            "window_start": window.start,
            "object_type": obj._meta.model_name if apart else "",
            "object_id": str(obj.pk) if apart else "",
            "reason": reason,
        }
        defaults = {
            "window_end": window.end,
            "actor_id": user.pk if user is not None else None,
            "actor": actor,
            "transfer_id": transfer.pk if apart and transfer is not None else None,
        }
        each = user is not None and not beyond
        opened = _count(row, defaults, beyond=beyond, each=each)
        if each or (opened and not beyond):
            event = dict(details or {})
            if reason:
                event[_REASON_NAMES.get(action, "reason")] = reason
            if user is None:
                event.update(client=client, window_start=_iso(window.start))
            event["attempts"] = 1
            audit.record(
                action,
                user=user,
                actor=actor,
                # A user's address is recorded as with every staff action; an
                # anonymous client's never is.
                request=request if user is not None else None,
                obj=obj,
                transfer=transfer,
                details=event,
            )
    if beyond:
        raise Throttled(window.seconds_left(now))


def _iso(moment):
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _flush(rows):
    """Write one event for each of these rows with attempts not yet recorded, then
    delete the rows. Runs in the caller's transaction; returns the events written."""
    closed = list(rows.select_for_update().order_by("window_start", "pk"))
    written = 0
    for row in closed:
        if row.attempts <= row.recorded:
            continue
        details = {
            "attempts": row.attempts - row.recorded,
            "window_attempts": row.attempts,
            "beyond_limit": row.throttled,
            "window_start": _iso(row.window_start),
            "window_end": _iso(row.window_end),
        }
        if row.reason:
            details[_REASON_NAMES.get(row.action, "reason")] = row.reason
        if not row.client.startswith("user:"):
            details["client"] = row.client
        audit.record(
            row.action,
            actor=row.actor,
            actor_id=row.actor_id,
            object_type=row.object_type,
            object_id=row.object_id,
            transfer_id=row.transfer_id,
            details=details,
        )
        written += 1
    RefusalWindow.objects.filter(pk__in=[row.pk for row in closed]).delete()
    return written


def flush_closed_windows(now=None):
    """Write the count of every closed window to the audit log and delete its rows.
    Returns the number of events written."""
    now = now or timezone.now()
    written = 0
    while True:
        with transaction.atomic():
            batch = list(
                RefusalWindow.objects.filter(window_end__lte=now)
                .order_by("window_start", "pk")
                .values_list("pk", flat=True)[:_FLUSH_BATCH]
            )
            if not batch:
                return written
            written += _flush(RefusalWindow.objects.filter(pk__in=batch))
