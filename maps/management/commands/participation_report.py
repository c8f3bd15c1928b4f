import shutil
import subprocess
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.loader import render_to_string
from django.utils import translation

from maps.equity import report_context

# Static files the printed report loads, copied beside it.
ASSETS = ("leaflet/leaflet.js", "leaflet/leaflet.css", "maps/report.css")
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--no-pdf-header-footer",
    "--run-all-compositor-stages-before-draw",
    # Time for the maps' scripts to draw before the page is printed.
    "--virtual-time-budget=15000",
)


class Command(BaseCommand):
    help = (
        "Write the annual participation report for --year as printable HTML "
        "and as PDF (printed by headless Chromium, offline)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument(
            "--output", type=Path, default=Path("reports"), help="folder to write to"
        )
        parser.add_argument("--language", default="fi", choices=["fi", "sv", "en"])
        parser.add_argument(
            "--chromium",
            default=shutil.which("chromium") or "chromium",
            help="the Chromium binary that prints the PDF",
        )
        parser.add_argument("--no-pdf", action="store_true", help="HTML only")

    def handle(self, *args: Any, **options: Any) -> None:
        year: int = options["year"]
        output: Path = options["output"]
        output.mkdir(parents=True, exist_ok=True)
        for name in ASSETS:
            found = finders.find(name)
            if not found:
                raise CommandError(f"Static file {name} is missing.")
            target = output / "assets" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(str(found), target)
        with translation.override(options["language"]):
            try:
                context = report_context(year, asset=lambda name: f"assets/{name}")
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
            html = render_to_string("maps/participation_report.html", context)
        page = output / f"participation-report-{year}.html"
        page.write_text(html, encoding="utf-8")
        self.stdout.write(f"wrote {page}")
        if options["no_pdf"]:
            return
        pdf = output / f"participation-report-{year}.pdf"
        command = [
            options["chromium"],
            *CHROMIUM_ARGS,
            f"--print-to-pdf={pdf.resolve()}",
            page.resolve().as_uri(),
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=180)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise CommandError(f"Chromium could not print the PDF: {error}") from None
        if done.returncode != 0 or not pdf.exists():
            raise CommandError(
                f"Chromium could not print the PDF: {done.stderr[-500:]}"
            )
        self.stdout.write(f"wrote {pdf}")
