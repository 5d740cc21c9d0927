from django.core.management.base import BaseCommand, CommandError

from exchanges import crypto, keyring


class Command(BaseCommand):
    help = (
        "Make a new master key, step 1 of the rotation in docs/deployment.md. Prints "
        "its keyring line 'id:base64' for your secret store, or with --append adds it "
        "to this server's key file as the last key: every server can then read with "
        "it, none writes with it until it is made the first key (activate_master_key)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--append",
            action="store_true",
            help="Add the key to this server's key file (not active) instead of "
            "printing it.",
        )

    def handle(self, *args, **options):
        key = crypto.new_master_key()
        if not options["append"]:
            # Only the line on stdout, so that it can be piped into a secret store.
            self.stderr.write(
                f"New master key {key.key_id} (secret: add it as the LAST entry of "
                "every server's keyring, then make it the first everywhere):"
            )
            self.stdout.write(crypto.key_line(key))
            return
        try:
            path = crypto.key_file()
            if path is None:
                raise CommandError(
                    "The master keys come from EXCHANGES_MASTER_KEYS: run without "
                    "--append and add the printed line there, as the last entry."
                )
            keyring.add_to_key_file(path, key, actor="new_master_key")
        except crypto.KeyringError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Added master key {key.key_id} to {path} as the last key (not active). "
                "Copy this file to every app server, then run "
                f"activate_master_key {key.key_id}."
            )
        )
