"""The request being served, for audit events written by signal handlers (a user
added to a group in the admin, a second factor enrolled) that get no request.

Add ``exchanges.request_context.AuditRequestMiddleware`` to MIDDLEWARE after the
authentication middleware. Outside a request (a management command, the shell) the
actor is the operating-system account that ran it: an administrator at the console
is recorded as such, not as nobody.
"""

import getpass
from contextvars import ContextVar

_request = ContextVar("exchanges_audit_request", default=None)


class AuditRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


def current_request():
    return _request.get()


def current_actor():
    """(user or None, actor name, request or None) of whoever is acting now."""
    request = current_request()
    if request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user, user.get_username(), request
        return None, "anonymous", request
    try:
        account = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        account = "unknown"
    return None, f"console:{account}"[:150], None
