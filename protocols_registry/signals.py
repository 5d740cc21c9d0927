"""Keep derived fields and the public-page cache right when records change."""

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from protocols_registry import frontend_cache, full_text, public_cache, versions
from protocols_registry.models import (
    ApprovalDecision,
    Organisation,
    ProtocolDecision,
    ProtocolIndexPage,
    ProtocolPage,
    ProtocolParty,
    RegisterDocumentBuild,
)


def refresh_approval_dates(sender, instance, **kwargs):
    """A decision's outcome or date changed: recompute the approval date of every
    protocol that links to it (their status follows from it)."""
    page_ids = ProtocolDecision.objects.filter(decision=instance).values_list(
        "page_id", flat=True
    )
    changed = False
    for page in ProtocolPage.objects.filter(pk__in=list(page_ids)):
        approval_date = page.compute_approval_date()
        if approval_date != page.approval_date:
            # Update the column only: a full save would run the publication guard
            # and create no revision, neither of which is wanted for derived data.
            ProtocolPage.objects.filter(pk=page.pk).update(approval_date=approval_date)
            changed = True
    if changed:
        # After the decision's own new generation (public_change ran first): a
        # request in between may have remembered a page with the old date.
        public_cache.invalidate()


def refresh_party_search_vectors(sender, instance, raw=False, **kwargs):
    """An organisation's name is in the search vector of every protocol it is a
    party to (protocols_registry.full_text)."""
    if raw:
        return
    full_text.refresh(
        ProtocolParty.objects.filter(organisation=instance).values_list(
            "page_id", flat=True
        )
    )


def give_editors_the_new_list(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from protocols_registry.roles import grant_editor_page_permissions

        grant_editor_page_permissions(instance)


def give_the_new_list_the_workflow(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from protocols_registry.workflow.setup import assign_protocol_workflow

        assign_protocol_workflow(instance)


def public_change(sender, **kwargs):
    """Something a public page may show changed: a new app-level generation, then
    (once committed, after the generation) a purge of the HTTP cache in front of
    exactly the addresses that show it (frontend_cache)."""
    public_cache.invalidate(**kwargs)
    frontend_cache.schedule(sender=sender, **kwargs)


def connect_cache_invalidation():
    """One rule: any write to this app's records, or any page published, unpublished
    or moved, starts a new public-page generation and purges the HTTP cache in
    front. Listing what each page shows instead would be one more thing to forget
    when a template changes; frontend_cache narrows the purge to the addresses."""
    for model in apps.get_app_config("protocols_registry").get_models():
        if model is RegisterDocumentBuild:
            # Its progress is saved many times a build and no page shows it.
            continue
        uid = f"pr_public_cache_{model._meta.label_lower}"
        post_save.connect(public_change, sender=model, dispatch_uid=uid)
        post_delete.connect(public_change, sender=model, dispatch_uid=uid)
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                public_change,
                sender=field.remote_field.through,
                dispatch_uid=f"{uid}_{field.name}",
            )
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(public_change, dispatch_uid="pr_public_cache_pages")
    post_delete.connect(
        public_change, sender=Page, dispatch_uid="pr_public_cache_page_del"
    )
    # A new view restriction changes what the menu may link to; a site's host
    # name or root page every address.
    for signal in (post_save, post_delete):
        for model in (PageViewRestriction, Site):
            signal.connect(
                public_change,
                sender=model,
                dispatch_uid=f"pr_public_cache_{model._meta.label_lower}",
            )


def connect():
    from protocols_registry.workflow import mails

    connect_cache_invalidation()
    mails.connect()
    page_published.connect(
        versions.on_page_published, sender=ProtocolPage, dispatch_uid="pr_versions"
    )
    post_save.connect(
        give_the_new_list_the_workflow,
        sender=ProtocolIndexPage,
        dispatch_uid="pr_protocol_workflow",
    )
    post_save.connect(
        give_editors_the_new_list,
        sender=ProtocolIndexPage,
        dispatch_uid="pr_editor_pages",
    )
    post_save.connect(
        refresh_party_search_vectors,
        sender=Organisation,
        dispatch_uid="pr_party_search_vectors",
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
