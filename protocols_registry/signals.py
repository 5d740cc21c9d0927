"""Keep derived fields right when the records they derive from change."""

from django.db.models.signals import post_delete, post_save

from protocols_registry.models import (
    ApprovalDecision,
    ProtocolDecision,
    ProtocolIndexPage,
    ProtocolPage,
)


def refresh_approval_dates(sender, instance, **kwargs):
    """A decision's outcome or date changed: recompute the approval date of every
    protocol that links to it (their status follows from it)."""
    page_ids = ProtocolDecision.objects.filter(decision=instance).values_list(
        "page_id", flat=True
    )
    for page in ProtocolPage.objects.filter(pk__in=list(page_ids)):
        approval_date = page.compute_approval_date()
        if approval_date != page.approval_date:
            # Update the column only: a full save would run the publication guard
            # and create no revision, neither of which is wanted for derived data.
            ProtocolPage.objects.filter(pk=page.pk).update(approval_date=approval_date)


def give_editors_the_new_list(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from protocols_registry.roles import grant_editor_page_permissions

        grant_editor_page_permissions(instance)


def connect():
    post_save.connect(
        give_editors_the_new_list,
        sender=ProtocolIndexPage,
        dispatch_uid="pr_editor_pages",
    )
    post_save.connect(
        refresh_approval_dates,
        sender=ApprovalDecision,
        dispatch_uid="pr_approval_dates",
    )
    post_delete.connect(
        refresh_approval_dates,
        sender=ApprovalDecision,
        dispatch_uid="pr_approval_dates_del",
    )
