"""Admin screens of the exchanges: thin views over exchanges.services.

Everything here sits behind the Wagtail admin login. Each view checks its own model
permission; only the Exchange officer role holds ``download_payload``, so auditors
see the records and traces but never the content. Every transfer is reached
through exchanges.scoping: a user sees only the transfers of their own
organisations, and one out of scope answers 404.
"""

import functools

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST, require_safe

from exchanges import audit, deletion, retention, scoping, services, worklist
from exchanges.certificates import render_certificate
from exchanges.crypto import DecryptionError
from exchanges.forms import (
    AuditFilterForm,
    DeleteTransferForm,
    ProtocolChoiceForm,
    TransferFilterForm,
    TransferForm,
    UploadLinkForm,
)
from exchanges.models import AuditVerification, DeletionEvidence
from exchanges.retention import RetentionPassed
from exchanges.roles import may_open_personal_data
from exchanges.uploads import install_encrypting_handler


def _require(request, permission):
    if not request.user.has_perm(f"exchanges.{permission}"):
        raise PermissionDenied


def refused_past_retention(view):
    """Show a refusal of the retention rule (already audited by the service that
    refused) as a message on the transfer's page."""

    @functools.wraps(view)
    def wrapper(request, pk, *args, **kwargs):
        try:
            return view(request, pk, *args, **kwargs)
        except RetentionPassed as refusal:
            messages.error(request, " ".join(refusal.messages))
            return redirect("exchanges_admin:transfer_detail", pk)

    return wrapper


def _transfer(request, pk):
    """The transfer if the user sees it (exchanges.scoping), else 404."""
    return scoping.transfer_or_404(request, pk)


def _require_work(request, transfer):
    """Acting on a transfer one sees is for an Exchange officer of its sender or
    recipient (an auditor of it, officer elsewhere, is refused as any auditor)."""
    if not scoping.may_work_on(request.user, transfer):
        services.record_refused_access(request, obj=transfer, transfer=transfer)
        raise PermissionDenied


@never_cache
@require_safe
def transfer_list(request):
    _require(request, "view_transfer")
    visible = scoping.visible_transfers(request.user)
    form = TransferFilterForm(request.GET or None, transfers=visible)
    transfers = visible.select_related("protocol", "sender", "recipient")
    if form.is_valid():
        if form.cleaned_data["protocol"]:
            transfers = transfers.filter(protocol=form.cleaned_data["protocol"])
        if form.cleaned_data["status"]:
            transfers = transfers.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["retention_due"]:
            transfers = transfers.filter(
                pk__in=retention.due_for_retention().values("pk")
            )
    page = Paginator(transfers, 50).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "exchanges/admin/transfer_list.html",
        {
            "form": form,
            "page_obj": page,
            "transfers": page.object_list,
            "today": timezone.localdate(),
            "my_organisations": scoping.organisations_for(
                request.user, "exchanges.view_transfer"
            ),
        },
    )


@never_cache
def transfer_create(request):
    _require(request, "add_transfer")
    organisations = scoping.organisations_for(request.user, "exchanges.add_transfer")
    protocol_form = ProtocolChoiceForm(
        request.GET or None, organisation_ids=organisations
    )
    if not protocol_form.is_valid():
        return TemplateResponse(
            request,
            "exchanges/admin/transfer_protocol.html",
            {"form": protocol_form, "my_organisations": organisations},
        )
    protocol = protocol_form.cleaned_data["protocol"]
    form = TransferForm(
        request.POST or None, protocol=protocol, organisation_ids=organisations
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            transfer = services.record_transfer(
                protocol=protocol,
                decision=data["decision"],
                sender=data["sender"],
                recipient=data["recipient"],
                sent_at=data["sent_at"],
                channel=data["channel"],
                data_items=data["data_items"],
                data_subject_count=data["data_subject_count"],
                retention_date=data["retention_date"],
                note=data["note"],
                user=request.user,
                request=request,
            )
        except ValidationError as refusal:
            for field, errors in refusal.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                _("Transfer %(reference)s recorded.")
                % {"reference": transfer.reference},
            )
            return redirect("exchanges_admin:transfer_detail", transfer.pk)
    return TemplateResponse(
        request,
        "exchanges/admin/transfer_form.html",
        {"form": form, "protocol": protocol, "limit": protocol.retention_limit()},
    )


@never_cache
@require_safe
def transfer_detail(request, pk):
    transfer = _transfer(request, pk)
    _require(request, "view_transfer")
    payload = getattr(transfer, "payload", None)
    events = scoping.visible_events(request.user).filter(transfer_id=transfer.pk)
    events = events.order_by("sequence")
    may_work = scoping.may_work_on(request.user, transfer)
    return TemplateResponse(
        request,
        "exchanges/admin/transfer_detail.html",
        {
            "transfer": transfer,
            "payload": payload,
            "advices": transfer.protocol.advices.select_related("organisation"),
            "events": events,
            "evidence": transfer.deletion_evidence.all(),
            "links": transfer.upload_links.all(),
            "link_form": UploadLinkForm(),
            "delete_form": DeleteTransferForm(),
            "can_open": may_work and may_open_personal_data(request.user),
            "retention_passed": transfer.retention_passed(),
            "progress": worklist.progress(transfer),
            # may_work_on() already asks for exchanges.change_transfer.
            "can_change": may_work,
        },
    )


@never_cache
@require_POST
def upload_link_create(request, pk):
    transfer = _transfer(request, pk)
    _require(request, "add_uploadlink")
    _require_work(request, transfer)
    form = UploadLinkForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("The upload link could not be made: check the values.")
        )
        return redirect("exchanges_admin:transfer_detail", transfer.pk)
    try:
        link, token = services.create_upload_link(
            transfer,
            user=request.user,
            hours=form.cleaned_data["hours"],
            max_size=form.cleaned_data["max_megabytes"] * 1024 * 1024,
            allowed_types=form.cleaned_data["allowed_types"],
            request=request,
        )
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
        return redirect("exchanges_admin:transfer_detail", transfer.pk)
    from django.urls import reverse

    url = request.build_absolute_uri(reverse("exchanges:upload", args=[token]))
    return TemplateResponse(
        request,
        "exchanges/admin/upload_link_created.html",
        {"transfer": transfer, "link": link, "url": url},
    )


@csrf_exempt
def payload_upload(request, pk):
    """The officer uploads the file directly (e.g. received on another channel).

    The encrypting upload handler must be in place before the body is read, so CSRF
    is checked inside, after it (Django's documented pattern)."""
    transfer = _transfer(request, pk)
    _require(request, "change_transfer")
    _require_work(request, transfer)
    handler = install_encrypting_handler(
        request, binding=services.payload_binding(transfer)
    )
    return _payload_upload(request, transfer, handler)


@csrf_protect
@never_cache
def _payload_upload(request, transfer, handler):
    if request.method != "POST":
        raise Http404
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, handler.error or _("Choose a file to upload."))
        return redirect("exchanges_admin:transfer_detail", transfer.pk)
    try:
        services.store_payload(transfer, upload, user=request.user, request=request)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(request, _("The file is stored, encrypted."))
    return redirect("exchanges_admin:transfer_detail", transfer.pk)


@never_cache
@require_safe
@refused_past_retention
def payload_download(request, pk):
    transfer = _transfer(request, pk)
    payload = getattr(transfer, "payload", None)
    if not (
        may_open_personal_data(request.user)
        and scoping.may_work_on(request.user, transfer)
    ):
        services.record_refused_access(
            request,
            obj=payload or transfer,
            transfer=transfer,
            action="payload.refused",
        )
        raise PermissionDenied
    if payload is None or payload.is_deleted:
        raise Http404
    try:
        chunks = services.open_payload_for_download(
            payload, user=request.user, request=request
        )
    except DecryptionError:
        messages.error(
            request,
            _(
                "The file failed its integrity check and is not served. The event is logged."
            ),
        )
        return redirect("exchanges_admin:transfer_detail", transfer.pk)
    response = StreamingHttpResponse(chunks, content_type="application/octet-stream")
    extension = {"csv": "csv", "xlsx": "xlsx", "pdf": "pdf"}[payload.file_type]
    name = f"{transfer.reference.replace('/', '-')}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Content-Length"] = str(payload.size)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@require_POST
def transfer_delete(request, pk):
    transfer = _transfer(request, pk)
    _require(request, "change_transfer")
    _require_work(request, transfer)
    form = DeleteTransferForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the confirmation to delete the data."))
        return redirect("exchanges_admin:transfer_detail", transfer.pk)
    evidence = deletion.delete_transfer_data(
        transfer,
        reason=DeletionEvidence.Reason.MANUAL,
        user=request.user,
        request=request,
    )
    if evidence:
        messages.success(request, _("The data are deleted; the evidence is recorded."))
    return redirect("exchanges_admin:transfer_detail", transfer.pk)


@never_cache
@require_safe
def evidence_list(request):
    _require(request, "view_deletionevidence")
    evidence = scoping.visible_evidence(request.user).select_related(
        "transfer", "transfer__protocol"
    )
    page = Paginator(evidence, 50).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "exchanges/admin/evidence_list.html",
        {"page_obj": page, "evidence": page.object_list},
    )


@never_cache
@require_safe
def certificate_download(request, evidence_id):
    _require(request, "view_deletionevidence")
    evidence = get_object_or_404(
        scoping.visible_evidence(request.user).select_related("transfer__protocol"),
        pk=evidence_id,
    )
    content = render_certificate(evidence)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="verwijderingscertificaat-{evidence.pk}.pdf"'
    )
    return response


@never_cache
def audit_log(request):
    _require(request, "view_auditevent")
    if request.method == "POST":
        _require(request, "verify_auditevent")
        result = audit.verify_and_store()
        (messages.success if result.ok else messages.error)(request, result.message)
        return redirect("exchanges_admin:audit_log")
    form = AuditFilterForm(request.GET or None)
    events = scoping.visible_events(request.user).order_by("-sequence")
    if form.is_valid():
        data = form.cleaned_data
        if data["action"]:
            events = events.filter(action__startswith=data["action"])
        if data["actor"]:
            events = events.filter(actor=data["actor"])
        if data["transfer"]:
            ids = scoping.visible_transfers(request.user, "exchanges.view_auditevent")
            ids = ids.filter(reference=data["transfer"]).values("pk")
            events = events.filter(transfer_id__in=ids)
        if data["since"]:
            events = events.filter(created_at__date__gte=data["since"])
        if data["until"]:
            events = events.filter(created_at__date__lte=data["until"])
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "exchanges/admin/audit_log.html",
        {
            "form": form,
            "page_obj": page,
            "events": page.object_list,
            "verification": AuditVerification.objects.first(),
            "can_verify": request.user.has_perm("exchanges.verify_auditevent"),
        },
    )
