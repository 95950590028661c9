from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    """Committee documents: PDF action plans and trackers, and the copies published to
    meetings. Depends on ``reviews`` and ``recommendations``; neither depends on it."""

    name = "recommendations.documents"
    label = "documents"
    verbose_name = "Committee documents"
