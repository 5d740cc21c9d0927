from django.core.management.base import BaseCommand, CommandError

from exchanges import crypto, keyring


class Command(BaseCommand):
    help = (
        "Make a master key that is already in the keyring the active (first) one in "
        "this server's key file: new data keys are wrapped with it from then on. "
        "Step 2 of the rotation in docs/deployment.md: every server must hold the "
        "key before any server makes it active."
    )

    def add_arguments(self, parser):
        parser.add_argument("key_id")

    def handle(self, *args, key_id, **options):
        try:
            ring = crypto.load_keyring()
            if all(key.key_id != key_id for key in ring):
                raise CommandError(
                    f"Master key {key_id} is not in this server's keyring: add it "
                    "first (new_master_key --append, or copy the key file). Nothing "
                    "was changed."
                )
            if ring[0].key_id == key_id:
                self.stdout.write(f"Master key {key_id} is already the active key.")
                return
            path = crypto.key_file()
            if path is None:
                raise CommandError(
                    f"The master keys come from EXCHANGES_MASTER_KEYS: put {key_id} "
                    "first there on every server and restart them. Nothing was changed."
                )
            keyring.activate_in_key_file(path, key_id, actor="activate_master_key")
        except crypto.KeyringError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Master key {key_id} is now the active key in {path}. Do the same on "
                "every app server (or copy this file to them), then run "
                f"rotate_master_key --to {key_id} on one of them."
            )
        )
