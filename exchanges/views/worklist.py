"""The exchange officer's worklist: import the delivered list, work it by deadline,
mark people handled. Only Exchange officers see names and numbers; auditors get the
counts and a pseudonymous export."""

import csv
import re

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from exchanges import handling_notes, scoping, services, worklist
from exchanges.crypto import DecryptionError
from exchanges.list_import import ListFileError
from exchanges.roles import may_open_personal_data
from exchanges.views.admin import _require, _transfer, refused_past_retention


def _require_officer(request, transfer):
    if not (
        may_open_personal_data(request.user)
        and scoping.may_work_on(request.user, transfer)
    ):
        services.record_refused_access(
            request, obj=transfer, transfer=transfer, action="worklist.refused"
        )
        raise PermissionDenied


@never_cache
@refused_past_retention
def worklist_import(request, pk):
    transfer = _transfer(request, pk)
    _require_officer(request, transfer)
    try:
        result = worklist.read_delivered_list(transfer, request.user, request)
    except (ValidationError, ListFileError, DecryptionError) as error:
        if isinstance(error, ValidationError):
            message = " ".join(error.messages)
        elif isinstance(error, DecryptionError):
            message = _(
                "The file failed its integrity check and is not read. The event is "
                "logged."
            )
        else:
            message = str(error)
        messages.error(request, message)
        return redirect("exchanges_admin:transfer_detail", transfer.pk)
    if request.method == "POST":
        try:
            entries = worklist.import_list(
                transfer, result, user=request.user, request=request
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(count)s people imported into the worklist.")
                % {"count": len(entries)},
            )
            return redirect("exchanges_admin:worklist", transfer.pk)
    return TemplateResponse(
        request,
        "exchanges/admin/worklist_import.html",
        {
            "transfer": transfer,
            "result": result,
            "count_differs": result.ok
            and len(result.rows) != transfer.data_subject_count,
        },
    )


class WorklistFilterForm(forms.Form):
    urgency = forms.ChoiceField(
        label=gettext_lazy("Urgency"),
        required=False,
        choices=[
            ("", gettext_lazy("all")),
            ("overdue", gettext_lazy("overdue")),
            ("soon", gettext_lazy("due within 3 days")),
            ("later", gettext_lazy("later")),
        ],
    )
    document = forms.ChoiceField(label=gettext_lazy("Missing document"), required=False)
    status = forms.ChoiceField(label=gettext_lazy("CIR file status"), required=False)

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        documents = sorted(
            {doc for entry in entries for doc in entry.missing_documents}
        )
        statuses = sorted({entry.cir_status for entry in entries})
        self.fields["document"].choices = [("", _("all"))] + [(d, d) for d in documents]
        self.fields["status"].choices = [("", _("all"))] + [(s, s) for s in statuses]


NOTE_HELP = gettext_lazy(
    "Short, without national register numbers. Kept encrypted and deleted with the "
    "transfer's data."
)


class HandleForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("contacted", "contacted"), ("not_a_client", "not_a_client")]
    )
    entries = forms.MultipleChoiceField(choices=[])
    contacted_on = forms.DateField(
        label=gettext_lazy("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, max_length=200, help_text=NOTE_HELP
    )

    def __init__(self, *args, entry_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entries"].choices = [(str(pk), str(pk)) for pk in entry_ids]

    def clean_note(self):
        note = self.cleaned_data["note"]
        if re.search(r"\d{6,}|\d{2}[.\s]\d{2}[.\s]\d{2}", note):
            raise ValidationError(_("Leave numbers out of the note."))
        return note

    def clean_contacted_on(self):
        day = self.cleaned_data["contacted_on"] or timezone.localdate()
        if day > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."))
        return day


@never_cache
@refused_past_retention
def worklist_view(request, pk):
    transfer = _transfer(request, pk)
    _require_officer(request, transfer)
    today = timezone.localdate()
    all_entries = list(transfer.list_entries.all())
    if request.method == "POST":
        return _handle(request, transfer, all_entries)
    filters = WorklistFilterForm(request.GET or None, entries=all_entries)
    entries = all_entries
    if filters.is_valid():
        data = filters.cleaned_data
        if data["urgency"]:
            entries = [
                e
                for e in entries
                if worklist.urgency(e.deadline, today) == data["urgency"]
            ]
        if data["document"]:
            entries = [e for e in entries if data["document"] in e.missing_documents]
        if data["status"]:
            entries = [e for e in entries if e.cir_status == data["status"]]
    rows = worklist.open_worklist(
        transfer, user=request.user, request=request, entries=entries
    )
    return TemplateResponse(
        request,
        "exchanges/admin/worklist.html",
        {
            "transfer": transfer,
            "rows": [
                {
                    "entry": entry,
                    "person": person,
                    "urgency": worklist.urgency(entry.deadline, today),
                }
                for entry, person in rows
            ],
            "filters": filters,
            # Read in the same audited view as the rows (worklist.viewed).
            "notes": handling_notes.read(transfer),
            "progress": worklist.progress(transfer, today),
            "today": today,
        },
    )


def _handle(request, transfer, all_entries):
    form = HandleForm(request.POST, entry_ids=[entry.pk for entry in all_entries])
    if not form.is_valid():
        messages.error(
            request, " ".join(str(e) for errors in form.errors.values() for e in errors)
        )
        return redirect("exchanges_admin:worklist", transfer.pk)
    selected = [
        entry for entry in all_entries if str(entry.pk) in form.cleaned_data["entries"]
    ]
    if request.POST.get("confirmed") != "yes":
        return TemplateResponse(
            request,
            "exchanges/admin/worklist_confirm.html",
            {
                "transfer": transfer,
                "form": form,
                "rows": worklist.open_worklist(
                    transfer, user=request.user, request=request, entries=selected
                ),
                "action": form.cleaned_data["action"],
                "note_help": NOTE_HELP,
            },
        )
    count = worklist.handle_people(
        transfer,
        [entry.pk for entry in selected],
        reason=worklist.HANDLING_REASONS[form.cleaned_data["action"]],
        user=request.user,
        on_date=form.cleaned_data["contacted_on"],
        note=form.cleaned_data["note"],
        request=request,
    )
    messages.success(
        request,
        ngettext(
            "%(count)s person handled; their data are deleted and the evidence "
            "is recorded.",
            "%(count)s people handled; their data are deleted and the evidence "
            "is recorded.",
            count,
        )
        % {"count": count},
    )
    if not transfer.list_entries.exists():
        return redirect("exchanges_admin:transfer_detail", transfer.pk)
    return redirect("exchanges_admin:worklist", transfer.pk)


@never_cache
@require_safe
@refused_past_retention
def worklist_export(request, pk):
    """The auditor's export: pseudonyms, deadlines and outcomes only."""
    transfer = _transfer(request, pk)
    _require(request, "view_transfer")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = transfer.reference.replace("/", "-")
    response["Content-Disposition"] = (
        f'attachment; filename="werklijst-{name}-pseudoniemen.csv"'
    )
    rows = worklist.pseudonymous_export_rows(
        transfer, user=request.user, request=request
    )
    writer = csv.writer(response)
    writer.writerow([str(label) for label in worklist.EXPORT_COLUMNS.values()])
    writer.writerows([row[key] for key in worklist.EXPORT_COLUMNS] for row in rows)
    return response
