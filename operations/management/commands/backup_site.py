from django.core.management.base import BaseCommand, CommandError

from operations import backup


class Command(BaseCommand):
    help = (
        "Back up the database and every stored file into DIR/<timestamp>/ with a "
        "manifest of SHA-256 sums. The keys are never put there: --keys-to copies "
        "them to a separate folder."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--to", required=True, metavar="DIR", help="Folder that receives backups."
        )
        parser.add_argument(
            "--keys-to",
            metavar="KEYDIR",
            help="Also copy the key files to KEYDIR/<timestamp>/ (keep it apart "
            "from the backups, e.g. on other media).",
        )

    def handle(self, *args, **options):
        try:
            result = backup.create_backup(options["to"], options["keys_to"])
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        # Counts and sizes only: file names and contents may be personal data.
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {result.folder}: database "
                f"{backup.human_size(result.database_size)}, {result.file_count} "
                f"file(s) {backup.human_size(result.file_size)}."
            )
        )
        if result.vanished:
            self.stdout.write(
                f"{result.vanished} file(s) were deleted while the backup ran and "
                "are not in it."
            )
        if result.keys_folder:
            self.stdout.write(
                f"Keys copied to {result.keys_folder}. Keep that folder apart from "
                "the backups: together they open every stored file."
            )
        else:
            self.stdout.write(
                self.style.WARNING(
                    "Reminder: the keys are NOT in this backup, and without them the "
                    "backed-up transfer files cannot be read. Back them up "
                    "separately (or run with --keys-to). They are at:"
                )
            )
            for location in result.key_locations:
                self.stdout.write(f"  {location}")
