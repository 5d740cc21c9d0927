import uuid

from django import forms
from django.db import models

from protocols_registry.validators import (
    normalise_decision_reference,
    normalise_enterprise_number,
    validate_pdf_upload,
)


class EnterpriseNumberField(models.CharField):
    """A Belgian enterprise (KBO) number, stored as its ten digits."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 10)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        # People type "BE 0400.032.156"; the ten digits are only what is stored.
        kwargs.setdefault("max_length", 20)
        return super().formfield(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        return normalise_enterprise_number(value)


class DecisionReferenceField(models.CharField):
    """A decision reference like 2024_VB_00591, normalised to upper case."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        kwargs.setdefault("max_length", 40)
        return super().formfield(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        return normalise_decision_reference(value)


def private_pdf_path(folder):
    """upload_to for PDFs: a random name, so the uploader's file name (which may say
    anything, including '../') never becomes a path."""

    def upload_to(instance, filename):
        return f"protocols_registry/{folder}/{uuid.uuid4().hex}.pdf"

    upload_to.__name__ = f"upload_to_{folder}"
    upload_to.__qualname__ = upload_to.__name__
    return upload_to


class PdfFileField(models.FileField):
    """A PDF upload with a generated storage name and content checks."""

    def __init__(self, *args, folder="documents", **kwargs):
        self.folder = folder
        kwargs.setdefault("max_length", 200)
        kwargs["upload_to"] = private_pdf_path(folder)
        kwargs.setdefault("validators", [validate_pdf_upload])
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("upload_to", None)
        kwargs.pop("validators", None)
        kwargs["folder"] = self.folder
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        kwargs.setdefault(
            "widget", forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"})
        )
        return super().formfield(**kwargs)
