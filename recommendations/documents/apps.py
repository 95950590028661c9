from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    """Committee documents: PDF action plans and trackers, and the copies published to
    meetings. Depends on ``reviews`` and ``recommendations``; neither depends on it."""

    name = "recommendations.documents"
    label = "documents"
    verbose_name = "Committee documents"

    def ready(self):
        from django.core import checks

        from scrutiny.caches import per_process_cache_check

        # The documents, their locks and the per-user limits live in the shared cache.
        checks.register(per_process_cache_check, checks.Tags.caches, deploy=True)
