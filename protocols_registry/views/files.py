from django.http import Http404
from django.views.decorators.http import require_safe

from protocols_registry.files import find_owner, serve_file, user_may_read


@require_safe
def stored_file(request, name):
    """Serve an uploaded file after checking who may read it.

    MEDIA_URL points here, so links Wagtail's forms show for a file work, while the
    web server never exposes the upload folder itself. Unknown names and files the
    user may not read answer the same 404, which reveals nothing.
    """
    instance, rule = find_owner(name)
    if instance is None or not user_may_read(request.user, instance, rule):
        raise Http404
    return serve_file(getattr(instance, rule[1]), name.rsplit("/", 1)[-1])
