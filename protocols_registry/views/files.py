from django.http import Http404
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe
from django.views.defaults import page_not_found

from protocols_registry.files import (
    find_owner,
    readable_by_anyone,
    serve_file,
    user_may_read,
)


def stored_file(request, name):
    """Serve an uploaded file after checking who may read it.

    MEDIA_URL points here, so links Wagtail's forms show for a file work, while the
    web server never exposes the upload folder itself. Unknown names and files the
    user may not read answer the same 404, which reveals nothing. No cache keeps a
    refusal either: what it says depends on who asked.
    """
    try:
        response = _stored_file(request, name)
    except Http404 as exception:
        response = page_not_found(request, exception)
    if not response.has_header("Cache-Control"):
        add_never_cache_headers(response)
    return response


@require_safe
def _stored_file(request, name):
    instance, rule = find_owner(name)
    if instance is None or not user_may_read(request.user, instance, rule):
        raise Http404
    return serve_file(
        getattr(instance, rule[1]),
        name.rsplit("/", 1)[-1],
        public=readable_by_anyone(instance, rule),
    )
