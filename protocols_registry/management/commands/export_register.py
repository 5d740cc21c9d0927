import sys
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from protocols_registry import register_export
from protocols_registry.conf import get_setting
from protocols_registry.models import Organisation, ProcessingActivity, Processor
from protocols_registry.pdf.register import render_register_pdf
from protocols_registry.register_history import register_version
from protocols_registry.validators import normalise_enterprise_number


class Command(BaseCommand):
    help = (
        "Export the register of processing activities (GDPR art. 30(4)) as PDF, CSV "
        "or XLSX, with progress. For large registers, prefer this to the admin "
        "download."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["pdf", "csv", "xlsx"], default="pdf")
        parser.add_argument("--output", required=True, help="File to write.")
        parser.add_argument(
            "--controller",
            help=(
                "Export only this controller's register (its activities, those where "
                "it is a joint controller, and its processors): an enterprise number "
                "(KBO) or the organisation's id. Without it, every controller's."
            ),
        )

    def find_controller(self, value):
        value = value.strip()
        try:
            number = normalise_enterprise_number(value)
        except ValidationError:  # not an enterprise number: try the id
            number = None
        controller = None
        if number:
            controller = Organisation.objects.filter(enterprise_number=number).first()
        if controller is None and value.isdigit():
            controller = Organisation.objects.filter(pk=int(value)).first()
        if controller is None:
            raise CommandError(f"No organisation with enterprise number or id {value}.")
        return controller

    def handle(self, *args, **options):
        activities, processors, controller = None, None, None
        if options.get("controller"):
            controller = self.find_controller(options["controller"])
            activities = ProcessingActivity.objects.of_controller(controller)
            processors = Processor.objects.filter(controller=controller)
            self.stdout.write(f"Register of {controller.name}.")
        queryset = register_export.export_queryset(activities)
        total = queryset.count()
        started = time.monotonic()
        step = max(1, total // 20)

        def progress(count):
            if count % step == 0 or count == total:
                self.stdout.write(
                    f"  {count}/{total} activities ({100 * count // max(total, 1)} %)"
                )

        fmt = options["format"]
        self.stdout.write(f"Exporting {total} activities as {fmt.upper()}…")
        try:
            with open(options["output"], "wb") as handle:
                if fmt == "csv":
                    for line in register_export.csv_lines(queryset, progress=progress):
                        handle.write(line.encode("utf-8"))
                elif fmt == "xlsx":
                    handle.write(
                        register_export.xlsx_bytes(
                            queryset, progress=progress, processors=processors
                        )
                    )
                else:
                    handle.write(
                        render_register_pdf(
                            organisation_name=(
                                controller.name
                                if controller
                                else get_setting("PROTOCOLS_REGISTRY_ORGANISATION_NAME")
                                or settings.WAGTAIL_SITE_NAME
                            ),
                            version=register_version(
                                [controller.pk] if controller else None
                            ),
                            queryset=queryset,
                            processors=processors,
                            progress=progress,
                        )
                    )
        except OSError as error:
            raise CommandError(
                f"Cannot write {options['output']}: {error.strerror}"
            ) from None
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {options['output']} in {elapsed:.1f} s.")
        )
        sys.stdout.flush()
