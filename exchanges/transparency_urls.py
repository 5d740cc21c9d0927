"""The audit log's public transparency page, included by the host site where
citizens expect it (docs/extension.md), e.g.

path("protocollen/transparantie/", include("exchanges.transparency_urls")),
"""

from django.urls import path

from exchanges.views import transparency

app_name = "exchanges_transparency"

urlpatterns = [
    path("", transparency.index, name="index"),
    path("checkpoint", transparency.checkpoint, name="checkpoint"),
    path("heads.json", transparency.heads_json, name="heads_json"),
    path("audit-log.vkey", transparency.verifier_key, name="verifier_key"),
    path("<int:size>.checkpoint", transparency.head, name="head"),
]
