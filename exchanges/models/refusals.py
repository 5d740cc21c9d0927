from django.db import models


class RefusalWindow(models.Model):
    """Refused attempts of one client in one time window, counted here so that the
    audit log gets one event per window instead of one per attempt
    (exchanges.refusals).

    Not the record: the chain is. The attempts this row counts beyond those already
    written (``recorded``) become one event when the window has closed, and the row
    is then deleted. ``client`` is ``user:<id>`` for a logged-in user, a keyed digest
    of an anonymous client's network address (never the address), or ``*`` for the
    anonymous clients beyond the number kept apart in one window.
    """

    action = models.CharField(max_length=60)
    client = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    window_end = models.DateTimeField(db_index=True)
    # Who, for the aggregate event (the user may have been deleted by then).
    actor_id = models.BigIntegerField(null=True)
    actor = models.CharField(max_length=150)
    # What was refused: the upload link that exists but is no longer usable, say.
    # Empty for attempts beyond the limit, so a client cannot open one row per
    # object it names.
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    transfer_id = models.BigIntegerField(null=True)
    reason = models.CharField(max_length=20, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    # Attempts already in the chain as events of their own.
    recorded = models.PositiveIntegerField(default=0)
    # Attempts answered "too many requests".
    throttled = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "client",
                    "window_start",
                    "action",
                    "object_type",
                    "object_id",
                    "reason",
                ],
                name="exchanges_refusal_window_unique",
            )
        ]
        default_permissions = ()

    def __str__(self):
        return f"{self.action} {self.client} {self.window_start:%Y-%m-%d %H:%M}"
