from django.core.files.storage import storages

from exchanges.conf import get_setting


def payload_storage():
    """Where encrypted payloads live (settings.STORAGES alias, "default" unless set)."""
    return storages[get_setting("EXCHANGES_PAYLOAD_STORAGE")]


def _object_versions(storage, name):
    """Every stored version of ``name`` in an S3 bucket (django-storages), or None
    for a storage without versions (a local folder)."""
    bucket = getattr(storage, "bucket", None)
    if bucket is None or not hasattr(storage, "_normalize_name"):
        return None
    key = storage._normalize_name(name)
    return [
        version
        for version in bucket.object_versions.filter(Prefix=key)
        if version.object_key == key
    ]


def delete_everywhere(storage, name):
    """Delete ``name`` and, in a versioned bucket, every earlier version and delete
    marker: a deleted payload must not survive as a "previous version"."""
    if storage.exists(name):
        storage.delete(name)
    for version in _object_versions(storage, name) or []:
        version.delete()


def is_gone(storage, name):
    """True when no copy of ``name`` is left in the storage, versions included."""
    return not storage.exists(name) and not _object_versions(storage, name)


def describe(storage):
    """Where the payloads are, for deletion evidence: "local folder" or the bucket."""
    bucket = getattr(storage, "bucket_name", None)
    if bucket:
        return f"object storage, bucket {bucket}, all versions"
    return "file storage of the platform"
