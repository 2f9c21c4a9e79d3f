from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "twinproject.tenancy"
    label = "tenancy"
    verbose_name = "Tenancy"

    def ready(self) -> None:
        from twinproject.tenancy import signals  # noqa: F401
