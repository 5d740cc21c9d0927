"""Admin screens of the breach register: thin views over breaches.services.

Everything sits behind the Wagtail admin login and is never cached. Every lookup
goes through breaches.access, so a breach of another organisation is simply not
found (404), and a user without a role for any organisation is refused (403).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from breaches import access, deadlines, exports, services
from breaches.forms import BreachForm
from breaches.models import FREE_TEXT_FIELDS, Breach
from protocols_registry.register_history import display_value, field_changes

HIDDEN = "hidden"


def _require_register(request):
    if not access.may_use_register(request.user):
        raise PermissionDenied


def _readable(request, pk):
    _require_register(request)
    return get_object_or_404(
        access.readable_breaches(request.user).select_related("organisation"), pk=pk
    )


def _editable(request, pk):
    if not access.dpo_organisations(request.user):
        raise PermissionDenied
    return get_object_or_404(
        access.editable_breaches(request.user).select_related("organisation"), pk=pk
    )


@never_cache
@require_safe
def breach_list(request):
    _require_register(request)
    breaches = access.readable_breaches(request.user).select_related("organisation")
    received = access.received_notifications(request.user).select_related(
        "sender", "recipient", "breach"
    )
    now = timezone.now()
    rows = [
        {
            "breach": breach,
            "clock": deadlines.clock_rows([breach], now)[0]
            if not breach.authority_settled
            else None,
        }
        for breach in breaches
    ]
    return TemplateResponse(
        request,
        "breaches/admin/list.html",
        {
            "rows": rows,
            "received": received,
            "can_add": bool(access.dpo_organisations(request.user)),
            "organisations": _organisations(request.user),
            "formats": exports.FORMATS,
        },
    )


def _organisations(user):
    from protocols_registry.models import Organisation

    return Organisation.objects.filter(
        pk__in=access.readable_organisations(user)
    ).order_by("name")


@never_cache
def breach_create(request):
    organisation_ids = access.dpo_organisations(request.user)
    if not organisation_ids:
        raise PermissionDenied
    source = _source_notification(request, organisation_ids)
    form = BreachForm(
        request.POST or None,
        organisation_ids=organisation_ids,
        initial=_initial(organisation_ids, source),
    )
    if request.method == "POST" and form.is_valid():
        breach = form.save(commit=False)
        services.save_breach(
            breach, user=request.user, request=request, save_m2m=form.save_m2m
        )
        messages.success(
            request, _("Data breach %(reference)s recorded.") % {"reference": breach}
        )
        return redirect("breaches_admin:detail", breach.pk)
    return TemplateResponse(
        request,
        "breaches/admin/form.html",
        {"form": form, "title": _("Record a data breach")},
    )


def _source_notification(request, organisation_ids):
    """A received notification to start from: the recipient is a controller too,
    and may have to record (and notify) the same breach itself."""
    notification_id = request.GET.get("from_notification", "")
    if not notification_id.isdigit():
        return None
    return (
        access.received_notifications(request.user)
        .filter(pk=notification_id, recipient_id__in=organisation_ids)
        .select_related("recipient", "protocol")
        .first()
    )


def _initial(organisation_ids, source=None):
    from protocols_registry.models import (
        DataSubjectCategory,
        Organisation,
        PersonalDataCategory,
    )

    initial = {"discovered_at": timezone.localtime().replace(second=0, microsecond=0)}
    organisation = None
    if source is not None:
        organisation = source.recipient
        content = source.content
        initial.update(
            {
                "organisation": organisation.pk,
                # This organisation became aware when it was notified.
                "discovered_at": timezone.localtime(source.sent_at).replace(
                    second=0, microsecond=0
                ),
                "nature": content.get("nature", ""),
                "data_subject_count": content.get("data_subject_count"),
                "record_count": content.get("record_count"),
                "consequences": content.get("consequences", ""),
                "measures": content.get("measures", ""),
                "risk": content.get("risk", ""),
                "protocols": [source.protocol_id],
                "data_subject_categories": list(
                    DataSubjectCategory.objects.filter(
                        name__in=content.get("data_subject_categories", [])
                    ).values_list("pk", flat=True)
                ),
                "personal_data_categories": list(
                    PersonalDataCategory.objects.filter(
                        name__in=content.get("personal_data_categories", [])
                    ).values_list("pk", flat=True)
                ),
            }
        )
    elif len(organisation_ids) == 1:
        organisation = Organisation.objects.get(pk=next(iter(organisation_ids)))
    if organisation is not None:
        initial["contact_point"] = " ".join(
            part for part in (organisation.dpo_name, organisation.dpo_email) if part
        )
    return initial


@never_cache
def breach_edit(request, pk):
    breach = _editable(request, pk)
    form = BreachForm(
        request.POST or None,
        instance=breach,
        organisation_ids=access.dpo_organisations(request.user),
    )
    if request.method == "POST" and form.is_valid():
        breach = form.save(commit=False)
        services.save_breach(
            breach, user=request.user, request=request, save_m2m=form.save_m2m
        )
        messages.success(
            request, _("Data breach %(reference)s changed.") % {"reference": breach}
        )
        return redirect("breaches_admin:detail", breach.pk)
    return TemplateResponse(
        request,
        "breaches/admin/form.html",
        {
            "form": form,
            "breach": breach,
            "title": _("Change %(reference)s") % {"reference": breach.reference},
        },
    )


@never_cache
@require_safe
def breach_detail(request, pk):
    breach = _readable(request, pk)
    free_text = access.may_read_free_text(request.user, breach.organisation_id)
    return TemplateResponse(
        request,
        "breaches/admin/detail.html",
        {
            "breach": breach,
            "fields": breach_fields(breach, free_text),
            "free_text": free_text,
            "clock": None
            if breach.authority_settled
            else deadlines.clock_rows([breach])[0],
            "can_change": breach.organisation_id
            in access.dpo_organisations(request.user),
            "parties": services.parties_to_notify(breach),
            "notifications": breach.notifications.select_related(
                "recipient", "protocol", "sent_by"
            ),
            "history": _history(breach, free_text),
        },
    )


def breach_fields(breach, free_text):
    """[(label, value)] of a breach as a person reads it; the free text replaced
    for whoever may not read it."""
    rows = []
    for name in [
        "organisation",
        "discovered_at",
        "occurred_at",
        "contained_at",
        "nature",
        "data_subject_categories",
        "data_subject_count",
        "personal_data_categories",
        "record_count",
        "consequences",
        "measures",
        "contact_point",
        "risk",
        "protocols",
        "transfers",
        "activities",
        "authority_notified_at",
        "authority_reference",
        "authority_not_notified_reason",
        "subjects_informed_on",
        "subjects_informed_means",
        "subjects_not_informed_reason",
    ]:
        field = Breach._meta.get_field(name)
        if name in FREE_TEXT_FIELDS and not free_text:
            value = _("(only the organisation's DPO reads this)")
        elif field.many_to_many:
            value = ", ".join(str(o) for o in getattr(breach, name).all()) or "—"
        elif field.choices:
            value = getattr(breach, f"get_{name}_display")()
        else:
            value = display_value(getattr(breach, name))
        rows.append((field.verbose_name, value))
    return rows


def _history(breach, free_text):
    labels = {str(Breach._meta.get_field(n).verbose_name) for n in FREE_TEXT_FIELDS}
    entries = []
    for record in breach.history.select_related("history_user").order_by(
        "-history_date", "-history_id"
    ):
        changes = [
            (label, old, new)
            if free_text or label not in labels
            else (label, HIDDEN, HIDDEN)
            for label, old, new in field_changes(record)
        ]
        entries.append({"record": record, "changes": changes})
    return entries


@never_cache
@require_POST
def breach_notify(request, pk):
    breach = _editable(request, pk)
    notifications = services.notify_parties(breach, user=request.user, request=request)
    if not notifications:
        messages.warning(
            request,
            _("No other party to notify: link the breach to a protocol first."),
        )
    for notification in notifications:
        if notification.mailed:
            messages.success(
                request,
                _("Notification sent to the DPO of %(organisation)s (%(email)s).")
                % {
                    "organisation": notification.recipient.display_name,
                    "email": notification.email,
                },
            )
        elif notification.email:
            messages.error(
                request,
                _(
                    "The mail to the DPO of %(organisation)s (%(email)s) could not be "
                    "sent: the notification is recorded, but reach its DPO another "
                    "way."
                )
                % {
                    "organisation": notification.recipient.display_name,
                    "email": notification.email,
                },
            )
        else:
            messages.error(
                request,
                _(
                    "%(organisation)s has no DPO e-mail address: the notification is "
                    "recorded, but reach its DPO another way."
                )
                % {"organisation": notification.recipient.display_name},
            )
    return redirect("breaches_admin:detail", breach.pk)


def _received(request, notification_id):
    _require_register(request)
    return get_object_or_404(
        access.received_notifications(request.user).select_related(
            "sender", "recipient", "protocol", "breach"
        ),
        pk=notification_id,
    )


@never_cache
@require_safe
def received_detail(request, notification_id):
    notification = _received(request, notification_id)
    free_text = access.may_read_free_text(request.user, notification.recipient_id)
    return TemplateResponse(
        request,
        "breaches/admin/received.html",
        {
            "notification": notification,
            "content": notification.content,
            "free_text": free_text,
            "clock": deadlines.clock_rows([notification.breach])[0]
            if not notification.breach.authority_settled
            else None,
            "can_acknowledge": free_text and notification.acknowledged_at is None,
            "risk_label": services.risk_label(notification.content.get("risk")),
            "moments": services.moments(notification.content),
        },
    )


@never_cache
@require_POST
def received_acknowledge(request, notification_id):
    notification = _received(request, notification_id)
    if not access.may_read_free_text(request.user, notification.recipient_id):
        raise PermissionDenied
    services.acknowledge(notification, user=request.user)
    messages.success(request, _("Notification marked as read."))
    return redirect("breaches_admin:received_detail", notification.pk)


@never_cache
@require_safe
def register_export(request, fmt):
    _require_register(request)
    if fmt not in exports.FORMATS:
        raise Http404
    organisations = _organisations(request.user)
    chosen = request.GET.get("organisation")
    if chosen is None and len(organisations) == 1:
        organisation = organisations[0]
    else:
        organisation = next((o for o in organisations if str(o.pk) == chosen), None)
    if organisation is None:
        raise Http404
    return exports.export(request, organisation, fmt)
