"""URLs of the committee documents (PDF action plans and trackers)."""

urlpatterns: list = []
