"""The only public pages of the exchanges: the sender's one-time upload page and the
public key that checks deletion certificates. Everything else needs a login."""

import math

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_safe

from exchanges import filetypes, refusals, services, signing
from exchanges.conf import get_setting
from exchanges.uploads import install_encrypting_handler


def _base():
    return {"base_template": get_setting("EXCHANGES_BASE_TEMPLATE")}


def _refused(request):
    # Unknown, used, revoked and expired links all get the same plain answer.
    return TemplateResponse(
        request, "exchanges/upload_refused.html", _base(), status=404
    )


def _throttled(request, retry_after):
    context = {**_base(), "minutes": max(1, math.ceil(retry_after / 60))}
    response = TemplateResponse(
        request, "exchanges/upload_throttled.html", context, status=429
    )
    response["Retry-After"] = str(retry_after)
    return response


@csrf_exempt
@never_cache
def upload(request, token):
    try:
        link = services.find_upload_link(token, request)
    except refusals.Throttled as throttled:
        return _throttled(request, throttled.retry_after)
    if link is None:
        return _refused(request)
    transfer = link.transfer
    context = {
        **_base(),
        "link": link,
        "transfer": transfer,
        "types": [filetypes.LABELS[kind] for kind in link.allowed_types],
        "accept": ",".join(
            sorted(
                {
                    ext
                    for kind in link.allowed_types
                    for ext in filetypes.EXTENSIONS[kind]
                }
            )
        ),
        "max_megabytes": max(1, link.max_size // (1024 * 1024)),
    }
    if request.method != "POST":
        return TemplateResponse(request, "exchanges/upload.html", context)
    handler = install_encrypting_handler(
        request,
        binding=services.payload_binding(transfer),
        max_size=link.max_size,
        allowed_types=link.allowed_types,
    )
    return _receive(request, link, handler, context)


@csrf_protect
def _receive(request, link, handler, context):
    upload_file = request.FILES.get("file")
    if upload_file is None:
        context["error"] = handler.error or "missing"
        return TemplateResponse(request, "exchanges/upload.html", context, status=400)
    try:
        payload = services.store_payload(
            link.transfer, upload_file, link=link, request=request
        )
    except ValidationError as refusal:
        context["error"] = " ".join(refusal.messages)
        return TemplateResponse(request, "exchanges/upload.html", context, status=409)
    return TemplateResponse(
        request, "exchanges/upload_receipt.html", {**context, "payload": payload}
    )


@require_safe
def public_key(request):
    response = HttpResponse(
        signing.public_key_pem(), content_type="application/x-pem-file"
    )
    response["Content-Disposition"] = (
        'attachment; filename="protocolregister-sleutel.pem"'
    )
    return response
