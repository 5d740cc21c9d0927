import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.cache import cache

from tests.conftest import PASSWORD


def totp_code(secret, offset=0):
    # A code typed in the last seconds of its 30-second window may arrive in the
    # next one and be refused, as it should: wait for a fresh window instead.
    if time.time() % 30 > 27:
        time.sleep(30 - time.time() % 30 + 0.2)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset))


@pytest.fixture(autouse=True)
def clear_cache():
    """Used TOTP codes and rate limits live in the cache: start each test clean."""
    cache.clear()
    yield
    cache.clear()


def password_login(client, username, password=PASSWORD, **extra):
    return client.post(
        "/accounts/login/", {"login": username, "password": password}, **extra
    )
