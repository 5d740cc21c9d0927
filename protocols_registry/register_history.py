"""One history record per change of the register, with who and why.

django-simple-history records on every save and on every many-to-many signal, so a
single admin save that also changes categories would leave several records, some of
them half-way states. The register's writes therefore go through save_with_history():
the model and its many-to-many fields are saved with automatic history off, then one
record is written with the acting user and the reason.
"""

import datetime

from django.db import transaction
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history


def _recorder(model):
    """The HistoricalRecords instance behind ``model.history``."""
    return model.history_recorder


@transaction.atomic
def save_with_history(instance, *, user, reason, save_m2m=None):
    """Save ``instance`` (and its many-to-many data) and record one history entry."""
    is_new = instance._state.adding
    instance.skip_history_when_saving = True
    try:
        instance.save()
        if save_m2m is not None:
            save_m2m()
    finally:
        del instance.skip_history_when_saving
    instance._history_user = user
    instance._change_reason = reason or (_("Created") if is_new else _("Changed"))
    _recorder(type(instance)).create_historical_record(instance, "+" if is_new else "~")
    return instance


def bulk_update_register(model, objects, fields, *, user, reason):
    """Update many records at once and record history for each (never a silent
    queryset.update())."""
    return bulk_update_with_history(
        objects,
        model,
        fields,
        default_user=user,
        default_change_reason=reason,
    )


def register_version(organisations=None):
    """A number that grows with every change to the register: the count of history
    records of activities and processors. Printed on exports so two copies can be
    told apart. With ``organisations`` (ids), only the records of entries those
    controllers keep, so an export does not tell how often others changed theirs."""
    from protocols_registry.models import ProcessingActivity, Processor

    activities, processors = ProcessingActivity.history.all(), Processor.history.all()
    if organisations is not None:
        organisations = list(organisations)
        activities = activities.filter(controller_id__in=organisations)
        processors = processors.filter(controller_id__in=organisations)
    return activities.count() + processors.count()


def field_changes(record):
    """[(field label, old, new)] between a history record and the one before it."""
    previous = record.prev_record
    if previous is None:
        return []
    delta = record.diff_against(previous, foreign_keys_are_objs=True)
    model = record.instance_type
    changes = []
    for change in delta.changes:
        field = model._meta.get_field(change.field)
        old, new = _display(field, change.old), _display(field, change.new)
        # A StreamField gets new block ids on every save: same text, no change.
        if old != new:
            changes.append((str(field.verbose_name), old, new))
    return changes


def _display(field, value):
    if field.many_to_many:
        names = []
        for row in value or []:
            related = (
                row.get(field.m2m_reverse_field_name())
                if isinstance(row, dict)
                else row
            )
            names.append(str(related))
        return ", ".join(sorted(names)) or "—"
    if field.choices and value not in (None, ""):
        return str(dict(field.flatchoices).get(value, value))
    if hasattr(value, "raw_data"):  # StreamField value
        return (
            "; ".join(
                f"{block.value.get('data_category')}: {block.value.get('period')}"
                for block in value
            )
            or "—"
        )
    return str(display_value(value))


def display_value(value):
    """A value as a person reads it: yes/no for booleans, a dash for nothing,
    dates as d/m/Y in the site's language."""
    if isinstance(value, bool):
        return capfirst(gettext("yes") if value else gettext("no"))
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "d/m/Y H:i")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "d/m/Y")
    return value
