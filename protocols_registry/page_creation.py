"""Creating a page twice at once gives the second editor a form error, not an error
page.

Wagtail's create view validates the form (the slug and the reference are still
free), then saves; two POSTs that race each other both pass validation, and the
second save fails Page.full_clean with a slug ValidationError (or the database's
unique constraint), which nothing catches: HTTP 500. Here the creation of this
app's pages runs in one transaction that first locks the parent page, so on
PostgreSQL the second request waits for the first and then fails validation in
the ordinary way. Where the lock is not available (SQLite ignores
SELECT ... FOR UPDATE), a conflict at save time rolls the attempt back and the view
runs once more: its validation now sees the other page and shows the error.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from wagtail.admin.views.pages.create import CreateView
from wagtail.models import Page

_RUNNING = "_protocols_registry_creating_page"


def create_page_safely(request, parent_page, page_class):
    """The ``before_create_page`` hook: runs Wagtail's own create view, guarded."""
    if (
        request.method != "POST"
        or page_class._meta.app_label != "protocols_registry"
        or getattr(request, _RUNNING, False)
    ):
        return None
    setattr(request, _RUNNING, True)
    view = CreateView.as_view()
    kwargs = request.resolver_match.kwargs
    try:
        with transaction.atomic():
            list(
                Page.objects.select_for_update()
                .filter(pk=parent_page.pk)
                .values_list("pk", flat=True)
            )
            return view(request, **kwargs)
    except IntegrityError:
        pass
    except ValidationError as error:
        if "slug" not in getattr(error, "error_dict", {}):
            raise
    # Another page took the slug between validation and save; nothing of this
    # attempt was kept. Validating again shows the editor why.
    with transaction.atomic():
        return view(request, **kwargs)
