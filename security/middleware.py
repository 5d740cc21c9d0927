"""Middleware of the site's security policy."""

import ipaddress
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from security import policy

# Paths a user who still owes a second factor may reach: logging out, enrolling,
# and what those pages load.
_OPEN_PREFIXES = ("/static/", "/i18n/", "/favicon.ico")


def _login_redirect(request, message):
    logout(request)
    messages.info(request, message)
    query = urlencode({"next": request.get_full_path()})
    return redirect(f"{reverse('account_login')}?{query}")


class RequireSecondFactorMiddleware:
    """No protected page answers before the second factor.

    A privileged user without TOTP is sent to enrol (and can reach nothing else); one
    with TOTP whose session has not passed it (e.g. a session made before enrolment
    by someone else) is logged out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def _open(self, path):
        if path.startswith(_OPEN_PREFIXES):
            return True
        allowed = [
            reverse("account_logout"),
            reverse("account_reauthenticate"),
            reverse("mfa_activate_totp"),
            reverse("mfa_index"),
            reverse("mfa_generate_recovery_codes"),
            reverse("mfa_view_recovery_codes"),
            reverse("mfa_download_recovery_codes"),
        ]
        return path in allowed

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and policy.is_privileged(user)
            and not policy.exempt_from_mfa(user)
            and not self._open(request.path)
        ):
            if not policy.has_totp(user):
                messages.warning(
                    request,
                    _(
                        "Your account gives access to protected data: set up a second "
                        "factor (an authenticator app) before you continue."
                    ),
                )
                return redirect("mfa_activate_totp")
            if not policy.session_passed_second_factor(request):
                return _login_redirect(
                    request, _("Log in again with your second factor.")
                )
        return self.get_response(request)


class SessionTimeoutMiddleware:
    """Logged-in sessions end after SECURITY_IDLE_TIMEOUT seconds without a request
    and SECURITY_ABSOLUTE_TIMEOUT seconds after login, whichever comes first."""

    LOGIN_AT = "security.authenticated_at"
    SEEN_AT = "security.last_seen_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            session = request.session
            login_at = session.setdefault(self.LOGIN_AT, now)
            seen_at = session.get(self.SEEN_AT, now)
            if now - seen_at > settings.SECURITY_IDLE_TIMEOUT:
                return _login_redirect(
                    request, _("Your session ended after inactivity.")
                )
            if now - login_at > settings.SECURITY_ABSOLUTE_TIMEOUT:
                return _login_redirect(
                    request, _("Your session has ended; log in again.")
                )
            if now - seen_at > 30:  # avoid a session write on every request
                session[self.SEEN_AT] = now
            elif self.SEEN_AT not in session:
                session[self.SEEN_AT] = now
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """The browser features no page of this site needs."""

    POLICY = (
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
        "microphone=(), payment=(), usb=(), interest-cohort=()"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


class TrustedProxyMiddleware:
    """The client's address in REMOTE_ADDR, as the proxies in front saw it.

    Behind N proxies (SECURITY_TRUSTED_PROXY_COUNT, from DJANGO_TRUSTED_PROXY_COUNT)
    REMOTE_ADDR is the nearest proxy's address, and each proxy appends the address it
    saw to X-Forwarded-For: the client is the N-th entry from the right. Entries to
    its left were written by the client and are never read. With no proxy configured
    the header is ignored entirely, so a forged one changes nothing. First in
    MIDDLEWARE: login throttling, the audit log and the counting of refused attempts
    all read REMOTE_ADDR afterwards.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = getattr(settings, "SECURITY_TRUSTED_PROXY_COUNT", 0)
        if count > 0:
            forwarded = [
                part.strip()
                for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            ]
            forwarded = [part for part in forwarded if part]
            # Fewer entries than proxies: the request did not come through them all.
            if len(forwarded) >= count:
                try:
                    address = ipaddress.ip_address(forwarded[-count])
                except ValueError:
                    pass  # not an address: keep the proxy's
                else:
                    request.META["REMOTE_ADDR"] = str(address)
        return self.get_response(request)


class PersonalPagesNoStoreMiddleware:
    """A page rendered for a signed-in user is personal (their name, the Wagtail
    user bar, their rights) even where the same address is public for others: when
    the view said nothing about caching, no browser or proxy may store it. Public
    pages say "public" themselves (protocols_registry.public_cache), and only for
    anonymous requests."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not response.has_header("Cache-Control")
        ):
            add_never_cache_headers(response)
        return response
