"""Settings of the breaches app, with defaults so a host site needs none."""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings


def deadline_hours():
    """GDPR art. 33(1): notify the supervisory authority within 72 hours."""
    return getattr(settings, "BREACHES_DEADLINE_HOURS", 72)


def reminder_hours():
    """Hours left at which the DPO is mailed (each once), besides the deadline."""
    return sorted(getattr(settings, "BREACHES_REMINDER_HOURS", [24, 6]), reverse=True)


def time_zone():
    return ZoneInfo(getattr(settings, "BREACHES_TIME_ZONE", "Europe/Brussels"))


def deadline_delta():
    return datetime.timedelta(hours=deadline_hours())


def admin_url(path):
    """An admin path as a link for a mail: WAGTAILADMIN_BASE_URL in front of it."""
    return (getattr(settings, "WAGTAILADMIN_BASE_URL", "") or "").rstrip("/") + path
