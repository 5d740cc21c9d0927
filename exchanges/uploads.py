"""Receive an uploaded file and encrypt it while it arrives.

Django's default handlers keep small uploads in memory and write larger ones to a
temporary file in plaintext. This handler replaces them on the views that accept
payloads: every piece is encrypted as it comes in and only ciphertext is written,
to a temporary file that is moved into the payload storage afterwards.
"""

import tempfile
import uuid

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import (
    FileUploadHandler,
    StopFutureHandlers,
    StopUpload,
)
from django.utils.translation import gettext_lazy as _

from exchanges import filetypes
from exchanges.conf import get_setting
from exchanges.crypto import StreamEncryptor

HEAD_BYTES = 4096


class EncryptedUpload(UploadedFile):
    """What request.FILES holds after an encrypted upload: the ciphertext (in a
    temporary file) and everything needed to record the payload."""

    def __init__(self, *, ciphertext, name, kind, encryptor, payload_id):
        super().__init__(
            file=ciphertext,
            name=name,
            content_type=filetypes.CONTENT_TYPES[kind],
            size=encryptor.size,
        )
        self.kind = kind
        self.payload_id = payload_id
        self.data_key = encryptor.data_key
        self.chunk_size = encryptor.chunk_size
        self.sha256_plaintext = encryptor.plain_hash.hexdigest()
        self.sha256_ciphertext = encryptor.cipher_hash.hexdigest()
        self.cipher_size = encryptor.cipher_size


class EncryptingUploadHandler(FileUploadHandler):
    """Encrypt the file field ``file`` of a request; refuse anything else.

    After parsing, ``error`` holds a message when the file was refused (too large,
    not an accepted type, missing), and request.FILES holds no file.
    """

    field_name = "file"

    def __init__(self, request, *, binding, max_size=None, allowed_types=None):
        super().__init__(request)
        self.binding = binding
        self.max_size = max_size or get_setting("EXCHANGES_MAX_PAYLOAD_SIZE")
        self.allowed_types = allowed_types or get_setting("EXCHANGES_ALLOWED_TYPES")
        self.error = None
        self._encryptor = None
        self._ciphertext = None

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        if field_name != self.field_name or self._encryptor is not None:
            self.error = _("Send exactly one file.")
            raise StopUpload(connection_reset=False)
        self.payload_id = uuid.uuid4()
        self._ciphertext = tempfile.TemporaryFile(
            prefix="payload-",
            suffix=".enc",
            dir=get_setting("EXCHANGES_UPLOAD_TEMP_DIR"),
        )
        self._encryptor = StreamEncryptor(
            self._ciphertext, self.payload_id, self.binding
        )
        self._head = b""
        self._kind = None
        raise StopFutureHandlers()

    def _check_type(self):
        self._kind = filetypes.detect(self._head)
        if self._kind not in self.allowed_types or not filetypes.extension_matches(
            self.file_name, self._kind
        ):
            self.error = _("This kind of file is not accepted here.")

    def receive_data_chunk(self, raw_data, start):
        if self.error:
            return None
        if self._encryptor.size + len(raw_data) > self.max_size:
            self.error = _("The file is larger than allowed.")
            self._discard()
            raise StopUpload(connection_reset=False)
        if self._kind is None and len(self._head) < HEAD_BYTES:
            self._head += raw_data[: HEAD_BYTES - len(self._head)]
            if len(self._head) >= HEAD_BYTES:
                self._check_type()
                if self.error:
                    self._discard()
                    raise StopUpload(connection_reset=False)
        self._encryptor.update(raw_data)
        return None

    def file_complete(self, file_size):
        if self.error or self._encryptor is None:
            self._discard()
            return None
        if self._encryptor.size == 0:
            self.error = _("The file is empty.")
        elif self._kind is None:
            self._check_type()
        if self.error:
            self._discard()
            return None
        self._encryptor.finish()
        self._ciphertext.seek(0)
        return EncryptedUpload(
            ciphertext=self._ciphertext,
            name=self.file_name,
            kind=self._kind,
            encryptor=self._encryptor,
            payload_id=self.payload_id,
        )

    def upload_interrupted(self):
        self._discard()

    def _discard(self):
        if self._encryptor is not None:
            self._encryptor.close()
        if self._ciphertext is not None:
            self._ciphertext.close()
            self._ciphertext = None


def install_encrypting_handler(request, **kwargs):
    """Put the encrypting handler in place; call before touching request.POST/FILES."""
    handler = EncryptingUploadHandler(request, **kwargs)
    request.upload_handlers = [handler]
    return handler


def encrypt_bytes(content, name, *, binding, allowed_types=None, max_size=None):
    """Run ``content`` through the same handler an HTTP upload goes through and
    return the EncryptedUpload, or raise ValueError with the handler's refusal.

    For files that arrive by other means (a command, the demo loader, tests)."""
    handler = EncryptingUploadHandler(
        None, binding=binding, allowed_types=allowed_types, max_size=max_size
    )
    try:
        handler.new_file("file", name, "application/octet-stream", len(content))
    except StopFutureHandlers:
        pass
    try:
        step = 64 * 1024
        for start in range(0, len(content), step):
            handler.receive_data_chunk(content[start : start + step], start)
    except StopUpload:
        pass
    upload = handler.file_complete(len(content))
    if upload is None:
        raise ValueError(str(handler.error))
    return upload
