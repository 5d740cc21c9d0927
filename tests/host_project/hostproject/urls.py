from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls

urlpatterns = [
    path("beheer/", include(wagtailadmin_urls)),
    path("bestanden/", include("protocols_registry.urls")),
    path("gegevensuitwisseling/", include("exchanges.urls")),
    path("", include("protocols_registry.public_urls")),
    path("", include(wagtail_urls)),
]
