"""Small helpers shared by the tests."""

from django.core.signals import request_finished
from django.db import close_old_connections


def close_file(response):
    """Close a FileResponse like a server would, without closing the test's
    database connection (request_finished would, as the test client knows)."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def streamed_bytes(response):
    """The whole body of a streaming response, closing it afterwards."""
    body = b"".join(response.streaming_content)
    close_file(response)
    return body
