from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_safe

from scrutiny.health import health


@login_not_required
@require_safe
def healthz(request):
    """For the load balancer: the process is up and answering."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("scrutiny.signin.urls")),
    path("sso/", include("scrutiny.sso_urls")),
    path("healthz", healthz, name="healthz"),
    path("health/", health, name="health"),
    path("", include("scrutiny.accounts.urls")),
    path("", include("reviews.urls")),
    path("", include("recommendations.urls")),
    path("documents/", include("recommendations.documents.urls")),
    path("", include("recommendations.rounds.urls")),
]
