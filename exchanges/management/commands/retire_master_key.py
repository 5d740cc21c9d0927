from django.core.management.base import BaseCommand, CommandError

from exchanges import crypto, keyring


class Command(BaseCommand):
    help = (
        "Retire a master key, step 4 of the rotation in docs/deployment.md. Refuses "
        "the active key and a key that still wraps any row; removes the key from "
        "this server's key file, or, with EXCHANGES_MASTER_KEYS, says what to remove."
    )

    def add_arguments(self, parser):
        parser.add_argument("key_id")

    def handle(self, *args, key_id, **options):
        try:
            path = keyring.retire(key_id, actor="retire_master_key")
        except crypto.KeyringError as error:
            raise CommandError(str(error)) from None
        if path is None:
            self.stdout.write(
                f"No row uses master key {key_id} any more. Remove the entry "
                f"'{key_id}:…' from EXCHANGES_MASTER_KEYS on every app server and "
                "restart them."
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Removed master key {key_id} from {path}. Remove it from the key "
                    "file of every other app server too (or copy this file to them)."
                )
            )
        self.stdout.write(
            f"Backups made before the re-wrap still need {key_id}: keep it with "
            "their key copies until they expire (BACKUP_KEEP_DAYS), then it is gone."
        )
