from django.urls import path

from . import views

app_name = "ingest"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("ingest/", views.source_list, name="sources"),
    path("ingest/sources/<slug:slug>/run/", views.run_now, name="run_now"),
    path("ingest/runs/<int:pk>/", views.run_detail, name="run"),
]
