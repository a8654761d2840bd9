"""Reader-facing extras on top of the claims pages: feeds, search and downloads.

Included before claims.urls so that /claims.csv and /claims/<slug>.json resolve here;
the slug converter never matches a dot, so these cannot shadow a claim page.
"""

from django.urls import path

from . import downloads, feeds, search, views

app_name = "reader"

urlpatterns = [
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
    path("claims.csv", downloads.claims_csv, name="claims_csv"),
    path("claims.json", downloads.claims_json, name="claims_json"),
    path("claims/<slug:slug>.csv", downloads.claim_csv, name="claim_csv"),
    path("claims/<slug:slug>.json", downloads.claim_json, name="claim_json"),
    path("claims/<slug:slug>.bib", views.claim_bibtex, name="claim_bibtex"),
]
