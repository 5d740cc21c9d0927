from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    # Uploaded files, each behind its own permission check (MEDIA_URL points here).
    path("media/", include("protocols_registry.urls")),
    # The sender's one-time upload page and the public key for certificates.
    path("uitwisseling/", include("exchanges.urls")),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    # Static files only; uploaded media are never served directly.
    urlpatterns += staticfiles_urlpatterns()

# Dutch pages live at the root, English ones under /en/.
urlpatterns += i18n_patterns(
    path("", include("protocols_registry.public_urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
