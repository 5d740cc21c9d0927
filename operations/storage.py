"""Object storage for several app servers (django-storages' S3 backend)."""

from urllib.parse import urljoin

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    """S3 storage whose file URLs point at this site's /media/ view, like the local
    default: every download passes the permission check there, and no pre-signed
    link to the bucket ever appears in a page."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        return urljoin(settings.MEDIA_URL, filepath_to_uri(name))
