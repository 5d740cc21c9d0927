from django.core.files.storage import storages

from exchanges.conf import get_setting


def payload_storage():
    """Where encrypted payloads live (settings.STORAGES alias, "default" unless set)."""
    return storages[get_setting("EXCHANGES_PAYLOAD_STORAGE")]
