from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Cases, facilities and budget proposals"

    def ready(self) -> None:
        from cases import receivers  # noqa: F401
