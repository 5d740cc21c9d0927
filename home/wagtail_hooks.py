from django.http import HttpResponseNotAllowed
from wagtail import hooks

from home.models import HomePage


@hooks.register("before_serve_page")
def read_only_home_page(page, request, serve_args, serve_kwargs):
    if request.method not in ("GET", "HEAD") and isinstance(page, HomePage):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return None
