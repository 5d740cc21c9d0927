"""URLs a host site includes for this app's stored files (see docs/extension.md):

    path("media/", include("protocols_registry.urls")),

with MEDIA_URL = "/media/". Public pages themselves are Wagtail pages.
"""

from django.urls import path

from protocols_registry.views.files import stored_file

app_name = "protocols_registry"

urlpatterns = [
    path("<path:name>", stored_file, name="stored_file"),
]
