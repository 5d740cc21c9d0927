"""Deletion certificates: a PDF with the fields of a NIST SP 800-88 (rev. 1,
appendix G) certificate of sanitization, mapped to crypto-shredding a payload, and
signed so that an auditor can check it offline.

A certificate file is the PDF followed by three comment lines, which PDF readers
ignore:

    %PR-EVIDENCE <base64 of the canonical evidence JSON>
    %PR-EVIDENCE-SIGNATURE <Ed25519 signature of that JSON, made at deletion time>
    %PR-SIGNATURE ed25519 <key id> <signature of every byte before this line>

The first signature proves the evidence was recorded by this installation when the
data were deleted; the last proves the whole file, one byte as much as any other.
"""

import base64
import json

from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from reportlab.platypus import Paragraph, Spacer

from exchanges import deletion, signing
from exchanges.audit_actions import actor_label
from exchanges.models import DeletionEvidence
from protocols_registry.pdf.base import (
    build_styles,
    key_value_table,
    render_document,
    text,
)

EVIDENCE_PREFIX = b"%PR-EVIDENCE "
EVIDENCE_SIGNATURE_PREFIX = b"%PR-EVIDENCE-SIGNATURE "
SIGNATURE_PREFIX = b"%PR-SIGNATURE ed25519 "


class CertificateError(Exception):
    pass


def _section(title, rows, styles):
    return [
        Paragraph(text(title), styles["h2"]),
        key_value_table([(label, text(value)) for label, value in rows], styles),
    ]


def _what_was_sanitized(subject, record_count):
    """(media type, data set, method type, verification method) by subject: the
    file, one person's row, what a transfer's deletion covers at its commit, or a
    transfer of which the platform held nothing."""
    if subject == "payload":
        return (
            _("Encrypted file in the payload storage of the platform"),
            _(
                "The transferred file of transfer %(transfer)s under protocol %(protocol)s"
            ),
            _("Purge (cryptographic erase, then removal of the encrypted file)"),
            _(
                "The storage is looked up again after the removal, every stored "
                "version included."
            ),
        )
    if subject == "person":
        return (
            _("Encrypted row in the database of the platform"),
            _("One person's data of transfer %(transfer)s under protocol %(protocol)s"),
            _("Purge (cryptographic erase)"),
            _("The row and its data key are looked up again after deletion."),
        )
    if not record_count:
        return (
            _("None: the platform held no personal data of this transfer"),
            _("Personal data of transfer %(transfer)s under protocol %(protocol)s"),
            _("None needed on the platform"),
            _("The transfer's file, data key and rows are looked up."),
        )
    return (
        _("Data keys and encrypted rows in the database of the platform"),
        _("Personal data of transfer %(transfer)s under protocol %(protocol)s"),
        _("Purge (cryptographic erase)"),
        _(
            "The data key and the rows are looked up again after deletion; the "
            "removal of the encrypted file is certified separately."
        ),
    )


def _reason_label(code):
    try:
        return str(DeletionEvidence.Reason(code).label)
    except ValueError:
        return code


def _method_label(method):
    """The signed evidence keeps the method in English; the two the platform
    writes are shown translated."""
    if method in (deletion.METHOD, deletion.FILE_METHOD):
        return _(method)
    return method


def render_certificate(evidence):
    """The signed certificate of one DeletionEvidence, as bytes."""
    signing.verify(
        evidence.evidence_json.encode(), evidence.signature
    )  # untampered row
    data = json.loads(evidence.evidence_json)
    styles = build_styles()
    deleted_at = parse_datetime(data["deleted_at"])
    # In the site's time zone (Europe/Brussels), with the zone: the file leaves
    # the site. The evidence itself keeps the moment in UTC.
    when = (
        formats.date_format(timezone.localtime(deleted_at), "j F Y H:i:s T")
        if deleted_at
        else data["deleted_at"]
    )
    story = [
        Paragraph(text(_("Certificate of sanitization")), styles["title"]),
        Paragraph(
            text(
                _("After NIST SP 800-88 rev. 1, appendix G. Certificate %(id)s.")
                % {"id": data["certificate_id"]}
            ),
            styles["meta"],
        ),
        Spacer(1, 6),
    ]
    story += _section(
        _("Person or job performing the sanitization"),
        [
            (_("Name"), str(actor_label(data["actor"]))),
            (_("Organisation"), data["installation"]),
            (_("Date and time"), when),
        ],
        styles,
    )
    media_type, data_set, method_type, verification_method = _what_was_sanitized(
        data["subject"], data["record_count"]
    )
    story += _section(
        _("Media information"),
        [
            (_("Media type"), media_type),
            (
                _("Data set"),
                data_set % {"transfer": data["transfer"], "protocol": data["protocol"]},
            ),
            (_("Identifier"), data["subject_id"] or "—"),
            (_("Records"), str(data["record_count"])),
            (_("Classification"), _("Personal data, confidential")),
            (
                _("Backups"),
                _(
                    "Backups hold only the wrapped data key until they expire; "
                    "see the erasure window in the deployment guide."
                ),
            ),
        ],
        styles,
    )
    story += _section(
        _("Sanitization details"),
        [
            (_("Method type"), method_type),
            (_("Method used"), _method_label(data["method"])),
            (_("Reason"), _reason_label(data["reason"])),
            (_("Verification method"), verification_method),
            (_("Verification result"), data["verification"]),
            (_("Verified"), _("yes") if data["verified"] else _("NO")),
            (_("SHA-256 of the file"), data["sha256_plaintext"] or "—"),
            (_("SHA-256 of the encrypted file"), data["sha256_ciphertext"] or "—"),
        ],
        styles,
    )
    story += _section(
        _("Signature"),
        [
            (
                _("Signed by"),
                _("the installation key %(key)s (Ed25519)")
                % {"key": evidence.signing_key_id},
            ),
            (
                _("How to verify"),
                _(
                    "python manage.py verify_deletion_certificate FILE "
                    "--public-key KEY.pem"
                ),
            ),
        ],
        styles,
    )
    pdf = render_document(
        story,
        title=_("Certificate of sanitization %(id)s") % {"id": data["certificate_id"]},
        subject=_("Deletion of personal data of transfer %(transfer)s")
        % {"transfer": data["transfer"]},
        author=data["installation"],
        footer=_("Certificate of sanitization %(id)s") % {"id": data["certificate_id"]},
    )
    body = (
        pdf
        + b"\n"
        + EVIDENCE_PREFIX
        + base64.b64encode(evidence.evidence_json.encode())
        + b"\n"
        + EVIDENCE_SIGNATURE_PREFIX
        + evidence.signature.encode()
        + b"\n"
    )
    return (
        body
        + SIGNATURE_PREFIX
        + f"{evidence.signing_key_id} {signing.sign(body)}\n".encode()
    )


def verify_certificate(content, public_key=None):
    """Check a certificate file; return its evidence (dict) or raise CertificateError."""
    content = bytes(content)
    body, _sep, last = content.rstrip(b"\n").rpartition(b"\n")
    if not last.startswith(SIGNATURE_PREFIX):
        raise CertificateError("No signature line at the end of the file.")
    try:
        _key_id, signature = last[len(SIGNATURE_PREFIX) :].decode().split(" ", 1)
    except (UnicodeDecodeError, ValueError):
        raise CertificateError("The signature line is malformed.") from None
    body += b"\n"
    try:
        signing.verify(body, signature, public_key)
    except signing.SignatureError:
        raise CertificateError(
            "The certificate was changed after signing, or another key signed it."
        ) from None
    evidence_line = evidence_signature = None
    for line in body.splitlines():
        if line.startswith(EVIDENCE_PREFIX):
            evidence_line = line[len(EVIDENCE_PREFIX) :]
        elif line.startswith(EVIDENCE_SIGNATURE_PREFIX):
            evidence_signature = line[len(EVIDENCE_SIGNATURE_PREFIX) :].decode()
    if evidence_line is None or evidence_signature is None:
        raise CertificateError("The evidence is missing from the certificate.")
    evidence_json = base64.b64decode(evidence_line)
    try:
        signing.verify(evidence_json, evidence_signature, public_key)
    except signing.SignatureError:
        raise CertificateError(
            "The evidence inside the certificate is not signed."
        ) from None
    return json.loads(evidence_json)
