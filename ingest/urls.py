from django.urls import path

from . import views

app_name = "ingest"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
]
