"""Mail that must never stop what sends it: alerts to the site's admins and notices
to the people who approve a role. The command's exit status, the log and the admin
screens carry the same news; a mail server that is down must not replace it with an
SMTP error.

Django 6.1 deprecates ``fail_silently=True`` (gone in Django 2028), so the errors are
caught here, the ones its SMTP backend swallowed: smtplib's errors are OSErrors.
"""

import logging

from django.core.mail import mail_admins, send_mass_mail

logger = logging.getLogger(__name__)


def alert_admins(subject, message):
    """``mail_admins``; a failure is logged (the error's kind only: an SMTP error can
    name the addresses), not raised."""
    try:
        mail_admins(subject, message)
    except OSError as error:
        logger.warning(
            "Alert to the admins not mailed (%s): %s", subject, type(error).__name__
        )


def send_each(datatuple):
    """``send_mass_mail``: the number sent, 0 when the mail server fails (logged)."""
    try:
        return send_mass_mail(datatuple)
    except OSError as error:
        logger.warning("Notice not mailed: %s", type(error).__name__)
        return 0
