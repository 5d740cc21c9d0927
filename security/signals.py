"""Login events: logged (without passwords), timed, and a deactivated user's
sessions end at once."""

import logging
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.contrib.sessions.models import Session
from django.db.models.signals import pre_save
from django.utils import timezone
from django.utils.module_loading import import_string

from security.middleware import SessionTimeoutMiddleware
from security.policy import MFA_SESSION_KEY

logger = logging.getLogger("security.auth")


def _ip(request):
    return request.META.get("REMOTE_ADDR") if request is not None else None


def on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SessionTimeoutMiddleware.LOGIN_AT] = time.time()
        request.session[SessionTimeoutMiddleware.SEEN_AT] = time.time()
    logger.info(
        "login succeeded",
        extra={
            "event": "login.succeeded",
            "username": user.get_username(),
            "ip": _ip(request),
        },
    )


def on_login_failed(sender, credentials, request=None, **kwargs):
    # Django masks the password in ``credentials``; log the user name only.
    username = credentials.get("username") or credentials.get("login") or ""
    logger.warning(
        "login failed",
        extra={
            "event": "login.failed",
            "username": str(username)[:150],
            "ip": _ip(request),
        },
    )


def on_logout(sender, request, user, **kwargs):
    if user is not None:
        logger.info(
            "logout",
            extra={
                "event": "logout",
                "username": user.get_username(),
                "ip": _ip(request),
            },
        )


def on_second_factor_added(sender, request, user, authenticator=None, **kwargs):
    """Enrolling proves possession of the factor: mark the session, and give it a
    new key, as after any change of privilege."""
    if request is not None and hasattr(request, "session"):
        request.session.cycle_key()
        request.session[MFA_SESSION_KEY] = time.time()
    logger.info(
        "second factor added",
        extra={
            "event": "mfa.added",
            "username": user.get_username(),
            "ip": _ip(request),
        },
    )


def end_sessions(user):
    """Delete every session of ``user`` (database-backed session engines)."""
    from django.conf import settings

    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            store(session_key=session.session_key).delete()
            ended += 1
    return ended


def on_user_saved(sender, instance, **kwargs):
    if instance.pk is None or instance.is_active:
        return
    was_active = sender.objects.filter(pk=instance.pk, is_active=True).exists()
    if was_active:
        ended = end_sessions(instance)
        logger.info(
            "user deactivated",
            extra={
                "event": "user.deactivated",
                "username": instance.get_username(),
                "sessions_ended": ended,
            },
        )


def connect():
    from allauth.mfa.signals import authenticator_added

    user_logged_in.connect(on_login, dispatch_uid="security_login")
    user_login_failed.connect(on_login_failed, dispatch_uid="security_login_failed")
    user_logged_out.connect(on_logout, dispatch_uid="security_logout")
    authenticator_added.connect(
        on_second_factor_added, dispatch_uid="security_mfa_added"
    )
    pre_save.connect(
        on_user_saved, sender=get_user_model(), dispatch_uid="security_deactivate"
    )
