"""After a deploy: new templates or code may change every public page.

Starts a new generation of the app-level page cache (protocols_registry.public_cache)
and purges every page of every site from the HTTP cache in front, when one is
configured (WAGTAILFRONTENDCACHE; protocols_registry.frontend_cache).
"""

from django.core.management.base import BaseCommand

from protocols_registry import frontend_cache, public_cache


class Command(BaseCommand):
    help = "Forget every cached public page (app cache and HTTP cache in front)."

    def handle(self, *args, **options):
        public_cache.invalidate()
        if frontend_cache.enabled():
            frontend_cache.purge_everything()
            self.stdout.write(
                "Public pages purged from the app cache and the HTTP cache."
            )
        else:
            self.stdout.write("Public pages purged from the app cache (no HTTP cache).")
