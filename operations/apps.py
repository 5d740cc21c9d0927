from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    """Running this site in production: health check, backup and restore, scheduled
    jobs. Project-level, like security/: a host site brings its own operations."""

    name = "operations"
    label = "operations"
    verbose_name = _("Operations")
