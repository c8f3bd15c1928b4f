from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from feedback.keys import api_key_create


class Command(BaseCommand):
    help = (
        "Make an Open311 API key for a client application. The key is shown "
        "once; only its digest is stored."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="the client application's name")
        parser.add_argument(
            "--rate", default="100/hour", help="posts allowed, e.g. 100/hour"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            _, key = api_key_create(name=options["name"], rate=options["rate"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(key)
