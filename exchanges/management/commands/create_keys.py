from django.core.management.base import BaseCommand

from exchanges import crypto, signing
from exchanges.conf import get_setting, key_file_setting


class Command(BaseCommand):
    help = (
        "Create the master key file, the pseudonym key file, the signing key and the "
        "audit log key if they do not exist yet "
        "(development and first installation). Never overwrites a key."
    )

    def handle(self, *args, **options):
        master = key_file_setting("EXCHANGES_MASTER_KEY_FILE")
        if get_setting("EXCHANGES_MASTER_KEYS"):
            self.stdout.write("Master keys come from EXCHANGES_MASTER_KEYS.")
        elif master and not master.exists():
            crypto.create_key_file(master)
            self.stdout.write(f"Created master key file {master}.")
        pseudonym = key_file_setting("EXCHANGES_PSEUDONYM_KEY_FILE")
        if get_setting("EXCHANGES_PSEUDONYM_KEY"):
            self.stdout.write("The pseudonym key comes from EXCHANGES_PSEUDONYM_KEY.")
        elif pseudonym and not pseudonym.exists():
            crypto.create_pseudonym_key_file(pseudonym)
            self.stdout.write(f"Created pseudonym key file {pseudonym}.")
        signing_path = key_file_setting("EXCHANGES_SIGNING_KEY_FILE")
        if signing_path and not signing_path.exists():
            signing.create_signing_key(signing_path)
            self.stdout.write(f"Created signing key {signing_path}.")
        log_path = key_file_setting("EXCHANGES_AUDIT_LOG_KEY_FILE")
        if log_path and not log_path.exists():
            signing.create_signing_key(log_path)
            self.stdout.write(f"Created audit log key {log_path}.")
