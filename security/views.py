"""Views that replace Wagtail's where its behaviour falls short of this site's policy."""

from allauth.account.views import logout as allauth_logout
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods


@require_http_methods(["GET", "HEAD", "POST"])
def admin_logout(request):
    """The admin's "Log out" (a POST from its menu) ends the session on the server,
    through django-allauth as /accounts/logout/ does.

    Wagtail's own view answers any other method with 405 yet drops the session
    cookie, leaving the session valid on the server for whoever kept a copy. A GET
    here logs nobody out (a link or an image elsewhere must not end a session): it
    goes to allauth's confirmation page, which changes nothing until its button
    is pressed."""
    if request.method == "POST":
        return allauth_logout(request)
    return redirect("account_logout")
