from django.core.management.base import BaseCommand

from exchanges import crypto, signing
from exchanges.conf import get_setting, key_file_setting


class Command(BaseCommand):
    help = (
        "Create the master key file and the signing key if they do not exist yet "
        "(development and first installation). Never overwrites a key."
    )

    def handle(self, *args, **options):
        master = key_file_setting("EXCHANGES_MASTER_KEY_FILE")
        if get_setting("EXCHANGES_MASTER_KEYS"):
            self.stdout.write("Master keys come from EXCHANGES_MASTER_KEYS.")
        elif master and not master.exists():
            crypto.create_key_file(master)
            self.stdout.write(f"Created master key file {master}.")
        signing_path = key_file_setting("EXCHANGES_SIGNING_KEY_FILE")
        if signing_path and not signing_path.exists():
            signing.create_signing_key(signing_path)
            self.stdout.write(f"Created signing key {signing_path}.")
