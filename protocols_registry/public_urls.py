"""Public URLs that Wagtail's page routing cannot express (no trailing slash).

A host site includes them next to Wagtail's own URLs, before the catch-all:

    path("", include("protocols_registry.public_urls")),
    path("", include(wagtail_urls)),
"""

from django.urls import re_path

from protocols_registry.views.public import protocol_export

app_name = "protocols_registry_public"

urlpatterns = [
    re_path(
        r"^(?P<index_path>(?:[\w\-]+/)*[\w\-]+)/export\.(?P<fmt>csv|json|jsonld)$",
        protocol_export,
        name="export",
    ),
]
