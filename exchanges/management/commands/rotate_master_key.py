from django.core.management.base import BaseCommand, CommandError

from exchanges import crypto, keyring


class Command(BaseCommand):
    help = (
        "Re-wrap every wrapped data key (payloads, worklist rows and every other "
        "registered model) that is not under the active master key, to the active "
        "key, in batches that can be stopped and run again. The files and rows "
        "themselves are not re-encrypted. Step 3 of the rotation in "
        "docs/deployment.md; --new-key does the whole rotation on a single server "
        "with a key file."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--to",
            metavar="KEY_ID",
            help="Refuse unless KEY_ID is this server's active master key.",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=keyring.BATCH_SIZE,
            help="Rows per transaction (default %(default)s).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only show how many rows each master key wraps.",
        )
        parser.add_argument(
            "--new-key",
            action="store_true",
            help="Single server with a key file only: add a new key, make it active, "
            "re-wrap, then retire the old keys.",
        )
        parser.add_argument(
            "--keep-old",
            action="store_true",
            help="With --new-key: keep the old keys in the key file.",
        )

    def handle(self, *args, **options):
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        if options["keep_old"] and not options["new_key"]:
            raise CommandError("--keep-old goes with --new-key.")
        try:
            if options["dry_run"]:
                return self.show_usage(options["to"])
            if options["new_key"]:
                return self.rotate_on_one_server(options)
            self.rewrap(options["to"], options["batch_size"])
        except crypto.KeyringError as error:
            raise CommandError(str(error)) from None

    def show_usage(self, key_id):
        ring = crypto.load_keyring()
        target = keyring.target_key(ring, key_id)
        self.stdout.write(f"Active master key: {target.key_id}.")
        for label, per_key in keyring.usage().items():
            listed = ", ".join(f"{rows} under {key}" for key, rows in per_key.items())
            self.stdout.write(f"{label}: {listed or 'no wrapped keys'}")
        self.stdout.write("Dry run: nothing was changed.")

    def rewrap(self, key_id, batch_size):
        result = keyring.rewrap(key_id, batch_size=batch_size)
        done = keyring.describe_counts(result.rows) or "nothing to re-wrap"
        self.stdout.write(
            self.style.SUCCESS(
                f"Re-wrapped to master key {result.target}: {done} "
                f"({result.batches} batch(es))."
            )
        )
        return result

    def rotate_on_one_server(self, options):
        path = crypto.key_file()
        if path is None:
            raise CommandError(
                "The master keys come from EXCHANGES_MASTER_KEYS: follow the rotation "
                "in docs/deployment.md (new_master_key, put it first on every server, "
                "rotate_master_key, retire_master_key)."
            )
        old_keys = crypto.read_key_file(path)
        new_key = crypto.new_master_key()
        # Added and made active before any row uses it: a crash from here on leaves
        # every row readable, and running this command (without --new-key) again
        # finishes the job.
        keyring.add_to_key_file(path, new_key, actor="rotate_master_key")
        keyring.activate_in_key_file(path, new_key.key_id, actor="rotate_master_key")
        self.stdout.write(f"Added master key {new_key.key_id} to {path}, active.")
        self.rewrap(new_key.key_id, options["batch_size"])
        if options["keep_old"]:
            return
        for old in old_keys:
            still = keyring.rows_using(old.key_id)
            if still:  # written meanwhile by a process that had read the old file
                self.stderr.write(
                    f"Kept master key {old.key_id}: it still wraps "
                    f"{keyring.describe_counts(still)}. Run this command again "
                    "without --new-key, then retire_master_key."
                )
                continue
            keyring.retire(old.key_id, actor="rotate_master_key")
            self.stdout.write(f"Retired master key {old.key_id}.")
