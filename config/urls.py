from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.images.views.serve import ServeView

from operations.health import healthz
from security.views import admin_logout

urlpatterns = [
    # For the load balancer and monitoring: ok / not ok, nothing more for strangers.
    path("healthz", healthz, name="healthz"),
    # Wagtail's own login and password reset know no second factor: every login
    # path goes through django-allauth instead.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
    ),
    re_path(
        r"^admin/password_reset/",
        RedirectView.as_view(pattern_name="account_reset_password"),
    ),
    # Wagtail's own login for pages with "login required" view restrictions.
    path(
        "_util/login/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
    ),
    # Wagtail's logout drops the cookie on a GET but leaves the session valid: a
    # POST logs out through allauth, a GET asks first (security/views.py).
    path("admin/logout/", admin_logout),
    path("accounts/", include("allauth.urls")),
    # Wagtail's "failwhale" raises an error on purpose; nobody here needs it.
    path("admin/failwhale/", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", include(wagtailadmin_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    # Uploaded files, each behind its own permission check (MEDIA_URL points here).
    path("media/", include("protocols_registry.urls")),
    # The sites' logos (protocols_registry.SiteOrganisation): Wagtail's image view,
    # which serves only the renditions whose signed URL a page printed.
    re_path(
        r"^images/([^/]*)/(\d*)/([^/]*)/[^/]*$",
        ServeView.as_view(action="serve"),
        name="wagtailimages_serve",
    ),
    # The sender's one-time upload page and the public key for certificates.
    path("uitwisseling/", include("exchanges.urls")),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    # Static files only; uploaded media are never served directly.
    urlpatterns += staticfiles_urlpatterns()

# Dutch pages live at the root, English ones under /en/.
urlpatterns += i18n_patterns(
    # The audit log's signed heads, beside the protocols they concern.
    path("protocollen/transparantie/", include("exchanges.transparency_urls")),
    path("", include("protocols_registry.public_urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
