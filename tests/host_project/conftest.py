import pytest


@pytest.fixture(scope="session", autouse=True)
def signing_key():
    """The host's installation key for deletion certificates."""
    from pathlib import Path

    from django.conf import settings

    from exchanges.signing import create_signing_key

    if not Path(settings.EXCHANGES_SIGNING_KEY_FILE).exists():
        create_signing_key(settings.EXCHANGES_SIGNING_KEY_FILE)
