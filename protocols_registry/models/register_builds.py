"""Register documents built in the background (protocols_registry.register_builds).

A build is one file, the register PDF or XLSX of one scope, made by a task from the
content the fingerprint names. It is kept until the register changes (another
fingerprint) and a newer build of the same scope is done; one previous build is
kept beside the newest, so the public PDF can still be served while the next one
runs.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RegisterDocumentBuild(models.Model):
    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "XLSX"

    class Scope(models.TextChoices):
        PUBLIC = "public", pgettext_lazy("register build scope", "public register")
        INTERNAL = "internal", pgettext_lazy("register build scope", "full register")

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("register build", "queued")
        RUNNING = "running", pgettext_lazy("register build", "being built")
        DONE = "done", pgettext_lazy("register build", "ready")
        FAILED = "failed", pgettext_lazy("register build", "failed")

    kind = models.CharField(_("format"), max_length=4, choices=Kind.choices)
    scope = models.CharField(_("scope"), max_length=8, choices=Scope.choices)
    register_page = models.ForeignKey(
        "protocols_registry.ProcessingRegisterPage",
        verbose_name=_("public register page"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="document_builds",
    )
    # Internal builds: the controllers (ids, sorted, comma-separated) whose entries
    # the file holds, or "all" (a superuser's whole register).
    organisations = models.CharField(_("controllers"), max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=10)
    fingerprint = models.CharField(_("content fingerprint"), max_length=64)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    file = models.FileField(
        _("file"), upload_to="protocols_registry/register_builds/", blank=True
    )
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("register document build")
        verbose_name_plural = _("register document builds")
        indexes = [
            models.Index(
                fields=["scope", "kind", "register_page", "organisations"],
                name="register_build_scope",
            )
        ]

    def __str__(self):
        return f"{self.get_scope_display()} {self.kind} #{self.pk}"

    def organisation_ids(self):
        """The controllers this internal build holds; None: every one."""
        if self.organisations == "all":
            return None
        return {int(part) for part in self.organisations.split(",") if part}

    @property
    def is_finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)
