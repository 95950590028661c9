from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    name = "recommendations"
    verbose_name = "Recommendations and action plans"

    def ready(self) -> None:
        from . import signals  # noqa: F401 (connects the receivers)
