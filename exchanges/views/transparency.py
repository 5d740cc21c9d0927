"""The audit log's transparency page: every signed head and the key that checks
them, for citizens, journalists, the other party and witnesses to keep copies.

Nothing here is personal: a head is a number of events, a hash and a time. The
answers may be cached by anyone (an HTTP cache in front, a browser) for a few
minutes; a head, once signed, never changes.
"""

import json

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from exchanges import audit_heads
from exchanges.conf import get_setting
from exchanges.models import SignedTreeHead

PUBLIC = cache_control(public=True, max_age=300, s_maxage=300)
HEADS_PER_PAGE = 50


def _text(body, content_type="text/plain; charset=utf-8", filename=None):
    response = HttpResponse(body, content_type=content_type)
    if filename:
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_safe
@PUBLIC
def index(request):
    heads = Paginator(SignedTreeHead.objects.order_by("-tree_size"), HEADS_PER_PAGE)
    page = heads.get_page(request.GET.get("pagina"))
    return TemplateResponse(
        request,
        "exchanges/transparency.html",
        {
            "base_template": get_setting("EXCHANGES_BASE_TEMPLATE"),
            "page_obj": page,
            "latest": heads.count and heads.page(1).object_list[0],
            "verifier_key": str(audit_heads.verifier_key()),
            "public_key_pem": audit_heads.public_key_pem().decode(),
            "origin": audit_heads.origin(),
        },
    )


@require_safe
@PUBLIC
def checkpoint(request):
    """The newest signed head, as a witness or `verify_audit_log --against URL`
    reads it."""
    newest = SignedTreeHead.objects.order_by("-tree_size").first()
    if newest is None:
        raise Http404("no head yet")
    return _text(newest.note)


@require_safe
@PUBLIC
def head(request, size):
    found = SignedTreeHead.objects.filter(tree_size=size).first()
    if found is None:
        raise Http404("no such head")
    return _text(found.note, filename=f"audit-head-{size}.checkpoint")


@require_safe
@PUBLIC
def heads_json(request):
    heads = [
        {
            "tree_size": head.tree_size,
            "root_hash": head.root_hash,
            "signed_at": head.signed_at.isoformat(),
            "checkpoint": head.note,
        }
        for head in SignedTreeHead.objects.order_by("tree_size").iterator()
    ]
    body = json.dumps(
        {
            "origin": audit_heads.origin(),
            "verifier_key": str(audit_heads.verifier_key()),
            "heads": heads,
        },
        indent=1,
    )
    return _text(body, "application/json")


@require_safe
@PUBLIC
def verifier_key(request):
    return _text(str(audit_heads.verifier_key()) + "\n", filename="audit-log.vkey")
