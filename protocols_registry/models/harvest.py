"""Protocols of another installation, mirrored from its open-data export.

Where the other party runs its own installation of this registry, its protocol
list publishes ``export.json`` (docs/open-data.md). ``manage.py harvest_protocols``
(protocols_registry.harvest) copies that export here; a protocol list of this site
shows the copy with its source and retrieval time, linking to the other party's
own page. Only the harvester writes these rows: the admin shows them read-only
(protocols_registry.admin_views.harvest_snippets), for a superuser too.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from protocols_registry.models.protocols import ProtocolStatus


class HarvestSource(models.Model):
    """One export of another installation, and the list of ours that shows it."""

    url = models.URLField(_("export address"), max_length=500)
    index = models.ForeignKey(
        "protocols_registry.ProtocolIndexPage",
        verbose_name=_("protocol list"),
        on_delete=models.CASCADE,
        related_name="harvest_sources",
        help_text=_(
            "The protocol list of this site that shows the mirrored protocols."
        ),
    )
    name = models.CharField(
        _("published by"),
        max_length=255,
        blank=True,
        help_text=_("The organisation the export names as its publisher."),
    )
    list_url = models.URLField(
        _("address of the list at the source"), max_length=500, blank=True
    )
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last retrieved"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("harvest source")
        verbose_name_plural = _("harvest sources")
        ordering = ["name", "url"]
        constraints = [
            models.UniqueConstraint(
                fields=["url", "index"], name="pr_harvest_source_url_index_unique"
            )
        ]

    def __str__(self):
        return self.name or self.url

    @property
    def display_name(self):
        """The publisher, or the host of the export when the export names none."""
        from urllib.parse import urlsplit

        return self.name or urlsplit(self.url).hostname or self.url


class HarvestedProtocol(models.Model):
    """One protocol as the source published it at ``retrieved_at``: never edited
    here. ``uri`` (the source's stable identifier) is its identity."""

    source = models.ForeignKey(
        HarvestSource,
        verbose_name=_("source"),
        on_delete=models.CASCADE,
        related_name="protocols",
    )
    uri = models.CharField(_("URI"), max_length=500)
    reference = models.CharField(_("reference"), max_length=100)
    title = models.CharField(_("title"), max_length=500)
    parties = models.JSONField(_("parties"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=40, blank=True)
    approval_date = models.DateField(_("approval date"), null=True, blank=True)
    url = models.URLField(_("address at the source"), max_length=500)
    pdf_url = models.URLField(_("address of the PDF"), max_length=500, blank=True)
    raw_record = models.JSONField(_("record as retrieved"), default=dict)
    content_hash = models.CharField(_("content hash (SHA-256)"), max_length=64)
    retrieved_at = models.DateTimeField(_("retrieved at"))

    class Meta:
        verbose_name = _("protocol of another party")
        verbose_name_plural = _("protocols of other parties")
        ordering = ["-approval_date", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "uri"], name="pr_harvested_protocol_uri_unique"
            )
        ]

    def __str__(self):
        return f"{self.reference} – {self.title}"

    @property
    def parties_display(self):
        return ", ".join(self.parties)

    def get_status_display(self):
        """The status in words when the source uses one of ours, else as given."""
        try:
            return ProtocolStatus(self.status).label
        except ValueError:
            return self.status
