"""Public URLs of the exchanges, included by the host site (docs/extension.md):

path("uitwisseling/", include("exchanges.urls")),
"""

from django.urls import path

from exchanges.views import public

app_name = "exchanges"

urlpatterns = [
    path("upload/<str:token>/", public.upload, name="upload"),
    path("sleutel.pem", public.public_key, name="public_key"),
]
