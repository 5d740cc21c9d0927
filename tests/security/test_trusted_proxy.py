"""The client's address: REMOTE_ADDR, rewritten only from the entries the configured
proxies appended to X-Forwarded-For; what the client writes there is never read."""

import pytest
from django.test import RequestFactory

from security.middleware import TrustedProxyMiddleware


def address_seen(forwarded=None, remote="10.0.0.2"):
    seen = {}

    def view(request):
        seen["address"] = request.META["REMOTE_ADDR"]

    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    request = RequestFactory().get("/", REMOTE_ADDR=remote, **headers)
    TrustedProxyMiddleware(view)(request)
    return seen["address"]


def test_without_a_proxy_the_header_is_ignored(settings):
    settings.SECURITY_TRUSTED_PROXY_COUNT = 0
    assert address_seen("203.0.113.5", remote="198.51.100.1") == "198.51.100.1"


@pytest.mark.parametrize(
    "count, forwarded, expected",
    [
        # nginx appends the address it saw: the last entry, whatever came before.
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "192.0.2.66, 203.0.113.5", "203.0.113.5"),
        (1, "192.0.2.66,203.0.113.5 ", "203.0.113.5"),
        # A load balancer, then nginx: the client is second from the right.
        (2, "192.0.2.66, 203.0.113.5, 10.0.0.9", "203.0.113.5"),
        (1, "2001:db8::7", "2001:db8::7"),
        # Not through every proxy, or not an address: the proxy's address stays.
        (2, "203.0.113.5", "10.0.0.2"),
        (1, "", "10.0.0.2"),
        (1, "192.0.2.66, unknown", "10.0.0.2"),
    ],
)
def test_behind_proxies_the_client_is_the_entry_they_appended(
    settings, count, forwarded, expected
):
    settings.SECURITY_TRUSTED_PROXY_COUNT = count
    assert address_seen(forwarded) == expected


def test_it_runs_before_anything_reads_the_address(settings):
    assert settings.MIDDLEWARE[0] == "security.middleware.TrustedProxyMiddleware"
