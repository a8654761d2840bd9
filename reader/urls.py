"""Every public page behind one urlconf.

Two namespaces, because templates, feeds and permalinks name them: "reader" (feeds, search,
downloads, BibTeX) comes first so that /claims.csv and /claims/<slug>.json resolve there (the
slug converter never matches a dot, so they cannot shadow a claim page); "claims" holds the
pages themselves.
"""

from django.urls import include, path, re_path

from claims import downloads, feeds, search

from . import data_views, views
from . import downloads as browse_downloads

extra_patterns = [
    path("feeds/", feeds.feed_directory, name="feed_directory"),
    path("feeds/claims.rss", feeds.claims_rss, name="claims_rss"),
    path("feeds/claims.atom", feeds.claims_atom, name="claims_atom"),
    path("feeds/verdicts.rss", feeds.verdicts_rss, name="verdicts_rss"),
    path("feeds/verdicts.atom", feeds.verdicts_atom, name="verdicts_atom"),
    path("feeds/topics/<slug:slug>.rss", feeds.topic_rss, name="topic_rss"),
    path("feeds/topics/<slug:slug>.atom", feeds.topic_atom, name="topic_atom"),
    path("feeds/people/<slug:slug>.rss", feeds.person_rss, name="person_rss"),
    path("feeds/people/<slug:slug>.atom", feeds.person_atom, name="person_atom"),
    path("feeds/claims/<slug:slug>.rss", feeds.claim_rss, name="claim_rss"),
    path("feeds/claims/<slug:slug>.atom", feeds.claim_atom, name="claim_atom"),
    path("feeds/browse.rss", feeds.browse_rss, name="browse_rss"),
    path("feeds/browse.atom", feeds.browse_atom, name="browse_atom"),
    path("search/", search.search_view, name="search"),
    path("claims.csv", browse_downloads.claims_csv, name="claims_csv"),
    path("claims.json", browse_downloads.claims_json, name="claims_json"),
    path("claims/<slug:slug>.csv", downloads.claim_csv, name="claim_csv"),
    path("claims/<slug:slug>.json", downloads.claim_json, name="claim_json"),
    path("claims/<slug:slug>.bib", views.claim_bibtex, name="claim_bibtex"),
]

page_patterns = [
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

urlpatterns = [
    path("", include((extra_patterns, "reader"))),
    path("", include((page_patterns, "claims"))),
]
