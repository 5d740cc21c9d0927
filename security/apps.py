from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    """This site's authentication policy: second factor for every privileged user,
    session timeouts, login logging, security headers. Project-level, like home/:
    a host site that adds the two apps brings its own policy."""

    name = "security"
    label = "security"
    verbose_name = _("Security")

    def ready(self):
        from security import signals

        signals.connect()
