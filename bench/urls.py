"""The project's URLs plus /bench/bare/, the reference for requests per second.

/bench/bare/ answers with the very bytes of the protocol detail page, through the
same middleware, but without Wagtail routing, queries or templates: the gap between
the two is what rendering a protocol costs.

config.urls ends with i18n_patterns(), which Django refuses inside include(), so its
patterns are concatenated instead.
"""

from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns


@lru_cache(maxsize=1)
def _bare_bytes():
    # Read once per process: the file is written before any server starts.
    return Path(settings.BENCH_BARE_FILE).read_bytes()


def bare(request):
    return HttpResponse(_bare_bytes(), content_type="text/html; charset=utf-8")


urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *project_urlpatterns]
