from django.urls import path

from . import health

urlpatterns = [
    # For load balancers: liveness and readiness, never cached (see operations/health.py).
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]
