from django.urls import path, re_path

from . import data_views, views

app_name = "claims"

urlpatterns = [
    path("", views.home, name="home"),
    path("claims/", views.claim_list, name="claim_list"),
    path("claims/<slug:slug>/", views.claim_detail, name="claim"),
    path("people/", views.person_list, name="person_list"),
    path("people/<slug:slug>/", views.person_detail, name="person"),
    path("topics/", views.topic_list, name="topic_list"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic"),
    path("timeline/", views.timeline, name="timeline"),
    path("data/", data_views.data_index, name="data"),
    path("data/models/", data_views.models_table, name="models"),
    re_path(r"^data/models\.(?P<fmt>csv|json)$", data_views.models_data, name="models_data"),
    re_path(r"^data/compute\.(?P<fmt>csv|json)$", data_views.compute_data, name="compute_data"),
    path("data/benchmarks/<slug:slug>/", data_views.benchmark_detail, name="benchmark"),
    re_path(r"^data/benchmarks/(?P<slug>[-\w]+)\.(?P<fmt>csv|json)$", data_views.benchmark_data,
            name="benchmark_data"),
    path("data/series/<slug:slug>/", data_views.series_detail, name="series"),
    re_path(r"^data/series/(?P<slug>[-\w]+)\.(?P<fmt>csv|json)$", data_views.series_data, name="series_data"),
    path("embed/<slug:kind>/<slug:slug>/", data_views.embed_chart, name="embed"),
]
