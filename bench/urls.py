"""The project's URLs plus `/bench/hello`, the limit of this stack."""

import os

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as project_urls


def hello(request):
    return HttpResponse(b"hello", content_type="text/plain")


class ChurnMiddleware:
    """With HIBI_BENCH_CHURN=1, every poll sees a changed wall (the soak's worst case)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = os.environ.get("HIBI_BENCH_CHURN") == "1"

    def __call__(self, request):
        if self.enabled and request.path.endswith("/panel"):
            from schedule.models import Revision

            Revision.bump()
        return self.get_response(request)


urlpatterns = [path("bench/hello", hello), *project_urls]
