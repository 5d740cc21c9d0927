from django.db import models
from wagtail.models import Page


class TownHomePage(Page):
    """The host's own root page: the extension must live under any page type."""

    welcome = models.CharField(max_length=200, blank=True)
