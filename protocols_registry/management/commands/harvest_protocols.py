"""Mirror another installation's published protocols (protocols_registry.harvest).

    manage.py harvest_protocols https://andere.example.org/protocollen/export.json
    manage.py harvest_protocols URL --index 42        # or --index protocollen (slug)
    manage.py harvest_protocols --all                 # every known source, on a schedule

Exits with status 1 when a source failed (its mirror is left as it was and the
error kept on the source), so a timer or cron reports it.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from protocols_registry.harvest import HarvestError, harvest, is_web_address
from protocols_registry.models import HarvestSource, ProtocolIndexPage


class Command(BaseCommand):
    help = "Mirror the published protocols of another installation from its export."

    def add_arguments(self, parser):
        parser.add_argument("url", nargs="?", help="address of the export.json")
        parser.add_argument(
            "--index",
            help="id or slug of the protocol list that shows them (default: the only one)",
        )
        parser.add_argument(
            "--all", action="store_true", help="harvest every known source again"
        )

    def handle(self, *args, url=None, index=None, all=False, **options):
        if all == bool(url):
            raise CommandError("Give either an export address or --all.")
        if all:
            sources = list(HarvestSource.objects.order_by("pk"))
        else:
            if not is_web_address(url):
                raise CommandError(f"Not an http(s) address: {url}")
            source, _created = HarvestSource.objects.get_or_create(
                url=url, index=self.index(index)
            )
            sources = [source]
        failed = 0
        for source in sources:
            try:
                result = harvest(source)
            except HarvestError as error:
                failed += 1
                self.stderr.write(str(error))
                continue
            self.stdout.write(
                f"{source.url}: {len(result.added)} added, {len(result.updated)} "
                f"updated, {len(result.removed)} removed, {result.unchanged} unchanged"
            )
        if failed:
            raise CommandError(f"{failed} of {len(sources)} sources failed.")

    def index(self, value):
        lists = ProtocolIndexPage.objects.all()
        if value:
            match = Q(slug=value) | (Q(pk=int(value)) if value.isdigit() else Q())
            lists = lists.filter(match)
        found = list(lists[:2])
        if len(found) != 1:
            raise CommandError(
                "Name the protocol list with --index (its id or slug): "
                + ("none matches." if not found else "more than one matches.")
            )
        return found[0]
