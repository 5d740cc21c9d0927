"""Where signed tree heads of the audit log are kept besides the database: places a
database administrator does not control. Each sink writes a head once and never
replaces it, and reads back the newest it holds, so that the log can be compared
with it (exchanges.audit_heads).

- a folder (EXCHANGES_AUDIT_HEAD_DIR): mount it from another machine, or make it
  write-once; each head is a file that is never overwritten;
- object storage with S3 Object Lock in compliance mode
  (EXCHANGES_AUDIT_HEAD_BUCKET): nobody, the bucket's owner included, can delete
  or change a head before its retention ends;
- mail to the DPO and the auditors (EXCHANGES_AUDIT_HEAD_MAIL_GROUPS), who keep
  their own copies.
"""

import datetime
import os
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from exchanges.conf import get_setting
from exchanges.tlog_verify import MAX_NOTE_BYTES

SUFFIX = ".checkpoint"


def head_name(size):
    """Zero-padded, so that names sort as sizes do."""
    return f"{size:020d}{SUFFIX}"


class HeadConflict(Exception):
    """A place already holds another head of the same size: two different logs."""


class FolderSink:
    name = "folder"

    def __init__(self, path):
        self.path = Path(path)

    def write(self, size, note):
        self.path.mkdir(parents=True, exist_ok=True)
        target = self.path / head_name(size)
        data = note.encode()
        try:
            descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
        except FileExistsError:
            if target.read_bytes() != data:
                raise HeadConflict(f"{target} holds another head.") from None
            return
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())

    def latest(self):
        if not self.path.is_dir():
            return None
        names = sorted(path.name for path in self.path.glob(f"*{SUFFIX}"))
        if not names:
            return None
        with open(self.path / names[-1], "rb") as handle:
            return handle.read(MAX_NOTE_BYTES + 1).decode()


class BucketSink:
    """S3 (or compatible) with Object Lock: each head is an object locked in
    compliance mode for ``retention_days``. A bucket without Object Lock is
    refused, so that a misconfiguration fails the job instead of passing."""

    name = "object storage"

    def __init__(self, config):
        self.bucket = config["bucket"]
        self.prefix = config.get("prefix", "audit-heads/")
        self.retention_days = int(config.get("retention_days", 3650))
        self.client_options = {
            key: config[key]
            for key in (
                "endpoint_url",
                "region_name",
                "aws_access_key_id",
                "aws_secret_access_key",
            )
            if config.get(key)
        }

    def _client(self):
        import boto3  # only installations that configure the bucket need boto3

        return boto3.client("s3", **self.client_options)

    def write(self, size, note):
        client = self._client()
        lock = client.get_object_lock_configuration(Bucket=self.bucket)
        if (
            lock.get("ObjectLockConfiguration", {}).get("ObjectLockEnabled")
            != "Enabled"
        ):
            raise HeadConflict(f"Bucket {self.bucket} has no Object Lock.")
        client.put_object(
            Bucket=self.bucket,
            Key=self.prefix + head_name(size),
            Body=note.encode(),
            ContentType="text/plain; charset=utf-8",
            ObjectLockMode="COMPLIANCE",
            ObjectLockRetainUntilDate=timezone.now()
            + datetime.timedelta(days=self.retention_days),
            ChecksumAlgorithm="SHA256",
        )

    def latest(self):
        client = self._client()
        newest = None
        pages = client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        for page in pages:
            for item in page.get("Contents", []):
                if item["Key"].endswith(SUFFIX) and (
                    newest is None or item["Key"] > newest
                ):
                    newest = item["Key"]
        if newest is None:
            return None
        body = client.get_object(Bucket=self.bucket, Key=newest)["Body"]
        return body.read(MAX_NOTE_BYTES + 1).decode()


def configured_sinks():
    sinks = []
    folder = get_setting("EXCHANGES_AUDIT_HEAD_DIR")
    if folder:
        sinks.append(FolderSink(folder))
    bucket = get_setting("EXCHANGES_AUDIT_HEAD_BUCKET")
    if bucket:
        sinks.append(BucketSink(bucket))
    return sinks


def transparency_url():
    try:
        return reverse("exchanges_transparency:index")
    except NoReverseMatch:
        return ""


def mail_head(head):
    """Mail the signed head to every active member of the configured groups, each
    their own message. Returns how many were sent."""
    groups = get_setting("EXCHANGES_AUDIT_HEAD_MAIL_GROUPS")
    if not groups:
        return 0
    recipients = sorted(
        set(
            get_user_model()
            .objects.filter(is_active=True, groups__name__in=groups)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Audit log: signed head of %(size)s events") % {
            "size": head.tree_size
        }
        body = _(
            "The audit log of the protocol registry signed a new head. Keep this "
            "message: with it you can later prove that the log was not changed "
            "afterwards (python manage.py verify_audit_log --against FILE, with the "
            "part between the lines saved as FILE).\n\n"
            "Signed at: %(signed_at)s\nNumber of events: %(size)s\n"
            "Transparency page: %(url)s\n\n"
            "-----\n%(note)s-----\n"
        ) % {
            "signed_at": timezone.localtime(head.signed_at).strftime(
                "%d/%m/%Y %H:%M %Z"
            ),
            "size": head.tree_size,
            "url": transparency_url(),
            "note": head.note,
        }
    messages = [
        (subject, body, settings.DEFAULT_FROM_EMAIL, [address])
        for address in recipients
    ]
    return send_mass_mail(messages, fail_silently=False)
