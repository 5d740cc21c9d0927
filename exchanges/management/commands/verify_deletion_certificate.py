from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exchanges import signing
from exchanges.certificates import CertificateError, verify_certificate


class Command(BaseCommand):
    help = (
        "Check a deletion certificate offline: its signature and the signed evidence "
        "inside it. Uses --public-key, or this installation's key."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The certificate (PDF).")
        parser.add_argument("--public-key", help="The installation's public key (PEM).")

    def handle(self, *args, **options):
        try:
            content = Path(options["file"]).read_bytes()
        except OSError as error:
            raise CommandError(
                f"Cannot read {options['file']}: {error.strerror}"
            ) from None
        key = None
        if options["public_key"]:
            try:
                key = signing.load_public_key(Path(options["public_key"]).read_bytes())
            except (OSError, ValueError, signing.SignatureError) as error:
                raise CommandError(f"Cannot use that public key: {error}") from None
        try:
            evidence = verify_certificate(content, key)
        except CertificateError as error:
            raise CommandError(f"INVALID certificate: {error}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Valid certificate {evidence['certificate_id']}: transfer "
                f"{evidence['transfer']}, {evidence['subject']} deleted on "
                f"{evidence['deleted_at']} ({evidence['reason']}) by {evidence['actor']}."
            )
        )
