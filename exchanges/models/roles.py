from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RoleGrant(models.Model):
    """A user's membership of a role (group), with who gave it and, for a role that
    opens personal data, the second person who approved it (exchanges.role_grants).

    Membership alone does not open personal data: a grant of such a role is pending
    until approved, and access checks ask for an active grant.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("awaiting approval")
        ACTIVE = "active", _("in effect")
        REFUSED = "refused", _("refused")
        ENDED = "ended", _("ended")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="role_grants",
    )
    group = models.ForeignKey(
        Group, verbose_name=_("role"), on_delete=models.CASCADE, related_name="+"
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("given by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Who gave it as the audit log names them (a user name, or console:<account>).
    granted_by_name = models.CharField(_("given by"), max_length=150)
    granted_at = models.DateTimeField(_("given at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved or refused by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("approved or refused at"), null=True)
    ended_at = models.DateTimeField(_("ended at"), null=True)

    class Meta:
        ordering = ["-granted_at", "-pk"]
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        default_permissions = ("view",)
        permissions = [
            ("approve_rolegrant", _("Can approve roles that open personal data"))
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "group"],
                condition=Q(state__in=["pending", "active"]),
                name="one_open_grant_per_role",
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.group} ({self.get_state_display()})"

    @property
    def role_label(self):
        """The role as people read it (the group name is an identifier)."""
        from protocols_registry.roles import role_label

        return role_label(self.group.name)
