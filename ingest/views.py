from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from .health import check_broker, check_database


@never_cache
def healthz(request):
    failures = {name: error for name, error in (("database", check_database()), ("broker", check_broker())) if error}
    body = {
        "status": "ok" if not failures else "fail",
        "checks": {name: failures.get(name, "ok") for name in ("database", "broker")},
    }
    return JsonResponse(body, status=503 if failures else 200)
