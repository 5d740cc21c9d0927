import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from operations import backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by backup_site into an EMPTY database, then migrate, "
        "verify the audit log and enforce retention before the site opens again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--from",
            dest="source",
            required=True,
            metavar="DIR",
            help="The backup folder (DIR/<timestamp>/ made by backup_site).",
        )
        parser.add_argument(
            "--keys-from",
            metavar="KEYDIR",
            help="The key folder made by backup_site --keys-to for this backup.",
        )
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask for confirmation."
        )

    def handle(self, *args, **options):
        try:
            plan = backup.plan_restore(options["source"], options["keys_from"])
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        manifest = plan.manifest
        self.stdout.write(
            f"Backup of {manifest['created_at']} ({manifest['database']['vendor']}): "
            f"checked the database dump and {len(manifest['files'])} file(s) against "
            f"the manifest; {len(plan.files_to_copy)} file(s) and "
            f"{len(plan.keys_to_copy)} key file(s) to restore, {plan.files_present} "
            "identical file(s) already in place."
        )
        self._confirm(options["yes"])

        try:
            backup.apply_restore(plan)
        except backup.BackupError as error:
            raise CommandError(
                f"{error} The restore stopped half-way: drop the database, create an "
                "empty one and run the restore again."
            ) from None
        self.stdout.write("Database, files and keys restored.")

        # The code may be newer than the backup.
        call_command("migrate", interactive=False, verbosity=0, stdout=self.stdout)
        self.stdout.write("Migrations applied.")
        try:
            call_command("verify_audit_log", stdout=self.stdout)
            backup.check_audit_head(manifest)
        except (CommandError, backup.BackupError) as error:
            raise CommandError(
                f"{error} Do not open the site: the restored audit log is not intact."
            ) from None
        # A backup made before a deletion still holds the data whose retention date
        # has passed since: delete it again before anyone can see it.
        call_command("enforce_retention", stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                "Ran enforce_retention: data past its retention date is deleted "
                "again. The restore is complete; the site may be opened."
            )
        )

    def _confirm(self, yes):
        if yes:
            return
        if not sys.stdin.isatty():
            raise CommandError("Pass --yes to restore without a question.")
        answer = input("Restore into this (empty) database? Type 'yes': ")
        if answer.strip().lower() != "yes":
            raise CommandError("Restore cancelled. Nothing was changed.")
