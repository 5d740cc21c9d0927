"""Public URLs that Wagtail's page routing cannot express (no trailing slash).

A host site includes them next to Wagtail's own URLs, before the catch-all:

    path("", include("protocols_registry.public_urls")),
    path("", include(wagtail_urls)),
"""

from django.urls import re_path

from protocols_registry.views.public import protocol_export
from protocols_registry.views.register_builds import public_register_pdf

app_name = "protocols_registry_public"

urlpatterns = [
    re_path(
        r"^(?P<index_path>(?:[\w\-]+/)*[\w\-]+)/export\.(?P<fmt>csv|json|jsonld)$",
        protocol_export,
        name="export",
    ),
    # The public register as PDF, served from the latest background build.
    re_path(
        r"^(?P<register_path>(?:[\w\-]+/)*[\w\-]+)/export\.pdf$",
        public_register_pdf,
        name="register_pdf",
    ),
]
