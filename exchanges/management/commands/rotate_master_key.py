import base64

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from exchanges import crypto
from exchanges.conf import get_setting, key_file_setting
from exchanges.models import Payload


class Command(BaseCommand):
    help = (
        "Rotate the master key: add a new key, re-wrap every data key with it in one "
        "transaction, then drop the old keys from the key file. The files themselves "
        "are not re-encrypted (their data keys do not change)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--keep-old",
            action="store_true",
            help="Keep the old keys in the key file (e.g. until backups expire).",
        )

    def handle(self, *args, **options):
        if get_setting("EXCHANGES_MASTER_KEYS"):
            raise CommandError(
                "The master keys come from EXCHANGES_MASTER_KEYS: rotate them there "
                "(put a new key first), then run this command to re-wrap."
            )
        path = key_file_setting("EXCHANGES_MASTER_KEY_FILE")
        old_keys = crypto.load_keyring()
        new_id, _sep, new_b64 = crypto.new_master_key_line().partition(":")
        new_key = crypto.MasterKey(new_id, base64.b64decode(new_b64))
        # 1. Both keys in the file, the new one active: a crash from here on still
        #    leaves every data key readable.
        crypto.write_key_file(path, [new_key, *old_keys])
        keyring = [new_key, *old_keys]
        count = 0
        with transaction.atomic():
            for payload in Payload.objects.select_for_update().filter(
                wrapped_key__isnull=False
            ):
                data_key = crypto.unwrap_key(
                    payload.wrapped_key, payload.key_id, payload.id, keyring
                )
                payload.wrapped_key = crypto.wrap_key(data_key, payload.id, new_key)
                payload.key_id = new_key.key_id
                payload.save(update_fields=["wrapped_key", "key_id"])
                count += 1
        # 2. Every data key now uses the new key: the old ones can go.
        if not options["keep_old"]:
            crypto.write_key_file(path, [new_key])
        self.stdout.write(
            self.style.SUCCESS(
                f"Re-wrapped {count} data key(s) with master key {new_id}."
            )
        )
