"""Payload.file_removed_at: the encrypted file is removed from storage only after the
deletion that destroyed its data key has committed (exchanges.deletion). And a reason
for evidence of a transfer recorded after the fact, whose data were deleted outside
the platform.

Before this release the file was removed in the same step as the key, and the
transfer's deletion evidence recorded whether it was still found afterwards. Those
payloads get that moment as ``file_removed_at`` when their evidence says it was
verified; any other shredded payload is left pending, so that the next
enforce_retention removes what may be left and certifies it.
"""

from django.db import migrations, models


def mark_files_removed_before(apps, schema_editor):
    Payload = apps.get_model("exchanges", "Payload")
    DeletionEvidence = apps.get_model("exchanges", "DeletionEvidence")
    verified = DeletionEvidence.objects.filter(
        subject="transfer", verified=True
    ).values("transfer_id")
    Payload.objects.filter(
        wrapped_key__isnull=True,
        file_removed_at__isnull=True,
        deleted_at__isnull=False,
        transfer_id__in=verified,
    ).update(file_removed_at=models.F("deleted_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("exchanges", "0007_role_grants"),
    ]

    operations = [
        migrations.AddField(
            model_name="payload",
            name="file_removed_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="file removed at"
            ),
        ),
        migrations.RunPython(mark_files_removed_before, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="deletionevidence",
            name="reason",
            field=models.CharField(
                choices=[
                    ("retention", "retention date reached"),
                    ("contacted", "person contacted (protocol art. 6)"),
                    ("not_a_client", "neither candidate tenant nor client (art. 5)"),
                    ("all_handled", "every person handled"),
                    ("manual", "deleted on request of the exchange officer"),
                    ("outside", "deleted outside the platform, before it was recorded"),
                ],
                max_length=15,
                verbose_name="why",
            ),
        ),
    ]
