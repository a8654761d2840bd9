from django.urls import path

from . import views

app_name = "ingest"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("ingest/", views.source_list, name="sources"),
    path("ingest/sources/<slug:slug>/run/", views.run_now, name="run_now"),
    path("ingest/runs/<int:pk>/", views.run_detail, name="run"),
    path("ingest/runs/<int:pk>/diff.csv", views.run_diff, {"fmt": "csv"}, name="run_diff_csv"),
    path("ingest/runs/<int:pk>/diff.json", views.run_diff, {"fmt": "json"}, name="run_diff_json"),
    path("ingest/runs/<int:pk>/apply/", views.decide_held, {"decision": "apply"}, name="apply"),
    path("ingest/runs/<int:pk>/discard/", views.decide_held, {"decision": "discard"}, name="discard"),
]
