from django.apps import AppConfig


class RoundsConfig(AppConfig):
    """The update round before a monitoring meeting: requests to owners by email, replies
    through a link that needs no account, and the scrutiny officer's review of each return.
    Depends on ``reviews`` and ``recommendations``; neither depends on it."""

    name = "recommendations.rounds"
    label = "rounds"
    verbose_name = "Update rounds"
