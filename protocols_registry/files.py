"""Serving stored files: always as a download, with a name we choose, never inline.

Uploaded files are not reachable under MEDIA_URL; these helpers are the only way
out, behind whatever permission check the calling view makes.
"""

from django.http import FileResponse, Http404
from django.utils.cache import add_never_cache_headers

from protocols_registry.public_cache import allow_shared_caching


def serve_file(field_file, download_name, content_type="application/pdf", *, public):
    """``public``: anyone may read this file now, whoever asks. Only then may a
    browser or proxy keep a copy, and it must ask again before each use, so that a
    file that stops being public (its protocol unpublished) is gone at once (the
    HTTP cache in front is purged: protocols_registry.frontend_cache). Any
    other file is never stored."""
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=download_name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if public:
        allow_shared_caching(response)
    else:
        add_never_cache_headers(response)  # no-store, private, max-age=0
    return response


# Folders of uploaded files and who may read them. Every folder a PdfFileField writes
# to must be listed, or its files cannot be downloaded at all.
PRIVATE_FOLDERS = {}


def register_folder(folder, model_label, field_name, is_public=None):
    """Declare that files under ``protocols_registry/<folder>/`` belong to
    ``model_label.field_name``; readable by users with its view permission, and by
    anyone when ``is_public(instance)`` says so."""
    PRIVATE_FOLDERS[folder] = (model_label, field_name, is_public)


def find_owner(name):
    """The record that holds the stored file ``name``, and its access rule."""
    from django.apps import apps

    parts = name.split("/")
    if (
        len(parts) != 3
        or parts[0] != "protocols_registry"
        or parts[1] not in PRIVATE_FOLDERS
    ):
        return None, None
    model_label, field_name, is_public = PRIVATE_FOLDERS[parts[1]]
    model = apps.get_model(model_label)
    instance = model._default_manager.filter(**{field_name: name}).first()
    return instance, (model, field_name, is_public)


def readable_by_anyone(instance, rule):
    _model, _field_name, is_public = rule
    return bool(is_public and is_public(instance))


def user_may_read(user, instance, rule):
    model, _field_name, _is_public = rule
    opts = model._meta
    if user.is_authenticated and user.has_perm(
        f"{opts.app_label}.view_{opts.model_name}"
    ):
        return True
    return readable_by_anyone(instance, rule)
