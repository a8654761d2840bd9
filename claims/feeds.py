"""RSS 2.0 and Atom 1.0 feeds: new claims, verdict changes, per topic, person, claim and browse query.

Each feed is a syndication ``Feed`` over a named query below, served in both formats
(the Atom class only swaps the generator). Every feed answers conditional GETs: a
*stamp* (one aggregate query, cached per claims generation) gives the Last-Modified date and
the ETag, so a feed reader polling an unchanged feed costs no query and gets a 304.
"""

import hashlib
import re
from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.db.models import Count, Max, Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import condition

from .browse import facet_rows
from . import download_parts
from .errors import bad_query
from .forms import BrowseForm
from .generation import claims_generation
from .models import Claim, Evidence, Person, Topic, Verdict, published_q
from .site import site_host, site_url

FEED_LIMIT = 50
# Part of every ETag: bump it when the feed markup changes so readers refetch.
FEED_VERSION = "2"
EDITORS = "Claimwatch editors"
# The year in our tag: URIs (RFC 4151 wants a date on which the authority held the name).
TAG_YEAR = "2025"


# --- Named queries --------------------------------------------------------------------


def feed_claims():
    """Published claims, most recently added first, with what a feed entry shows."""
    return (
        Claim.objects.published()
        .select_related("person", "source")
        .prefetch_related("topics")
        .order_by("-created", "-id")
    )


def feed_verdicts():
    """Verdict history rows of published claims, newest first."""
    return (
        Verdict.objects.public()
        .select_related("claim__person", "recorded_by")
        .order_by("-created", "-id")
    )


def feed_claim_evidence(claim):
    return (
        claim.evidence.accepted()
        .select_related("source", "feed_item", "added_by")
        # An evidence row is created when ingest suggests it and touched when an editor
        # accepts it; `updated` is the closest we have to "accepted at".
        .order_by("-updated", "-id")
    )


def browse_form(request):
    """The /claims/ filters of this request, validated once per request."""
    form = getattr(request, "_claimwatch_browse_form", None)
    if form is None:
        form = BrowseForm(request.GET)
        form.is_valid()
        request._claimwatch_browse_form = form
    return form


def browse_claims(form):
    return form.filter(Claim.objects.for_list())


def browse_feed_entries(form):
    """The ids and last edits of a browse feed's entries: new matches first, whatever order the
    browse page sorts by, read from an index alone.

    On PostgreSQL claim_feed_newest (migration 0019) holds the order and every facet column, so
    the walk to the FEED_LIMIT newest matches reads no claim row (a large topic with a status and
    a kind walked 31,000 rows of the claims heap: 46-313 ms at 100k claims, now 1-7 ms).

    Under a topic (and no q) the walk is the topic's facet rows instead (index facet_topic_created,
    migration 0023): that index holds every facet but the topic, a link of its own, so a small
    topic with a status and a kind walked 93,000 of its entries at 100k claims.
    """
    facets = form.facet_values()
    if "topic" not in facets or form.cleaned_data.get("q"):
        return list(form.filter(Claim.objects.published()).order_by("-created", "-id")
                    .values_list("pk", "updated")[:FEED_LIMIT])
    newest = list(facet_rows(facets).order_by("-created", "-claim_id").values_list("claim_id", flat=True)[:FEED_LIMIT])
    updated = dict(Claim.objects.published().filter(pk__in=newest).values_list("pk", "updated"))
    return [(pk, updated[pk]) for pk in newest if pk in updated]  # a claim unpublished since drops out


def browse_feed_claims(form, ids):
    """The entries ``ids`` (from `browse_feed_entries`) with what a feed entry shows, newest first.

    The filters are applied again: 50 id lookups, and a claim edited out of them since its id was
    read is never shown under them.
    """
    return browse_claims(form).filter(pk__in=list(ids)).order_by("-created", "-id")


# --- Conditional GET ------------------------------------------------------------------


@dataclass(frozen=True)
class Stamp:
    last_modified: object  # datetime or None for an empty feed
    token: str  # anything else that changes when the feed's content does (counts)
    # The entries' ids, where the stamp read them (the browse feed): the body reads those rows
    # instead of walking the filters a second time.
    entries: tuple = ()


def _latest(*values):
    present = [v for v in values if v is not None]
    return max(present) if present else None


def stamp_claims(request):
    """The feed's own entries and the last edit of any claim, drafts included (unpublishing a
    claim bumps its `updated` and must change the feed's date even though the claim leaves the
    feed). A count of the published claims beside it scanned all 100,000 (200 ms, the first
    request after every edit)."""
    return _entries_stamp(list(feed_claims()[:FEED_LIMIT].values_list("pk", "updated")))


def stamp_verdicts(request):
    """The feed's own entries, with their claims' last edits (an entry quotes its claim), dated
    by the newest verdict. A count of every public verdict read them all."""
    rows = list(feed_verdicts()[:FEED_LIMIT].values_list("pk", "created", "claim__updated"))
    entries = hashlib.sha256(repr(rows).encode()).hexdigest()[:16]
    return Stamp(rows[0][1] if rows else None, f"entries={entries}")


def stamp_topic(request, slug):
    """The topic feed's own entries, as stamp_browse() reads them, and what its head shows.

    An aggregate over the topic's every claim read all 45,000 rows of the largest topic at 100k
    claims (40 ms, ten times the 10k figure) for a feed that holds FEED_LIMIT of them.
    """
    topic = Topic.objects.filter(slug=slug).values("pk", "name", "description").first()
    if topic is None:
        return None  # no conditional answer for a missing topic: let the feed 404
    rows = list(feed_claims().filter(topics=topic["pk"]).values_list("pk", "updated")[:FEED_LIMIT])
    return _entries_stamp(rows, f"{topic['name']}|{topic['description']}", empty_undated=True)


def stamp_person(request, slug):
    row = (
        Person.objects.filter(slug=slug)
        .annotate(
            last=Max("claims__updated"),
            n=Count("claims", filter=published_q("claims__")),
        )
        .values("last", "n", "updated")
        .first()
    )
    if row is None:
        return None
    return Stamp(_latest(row["last"], row["updated"]), f"n={row['n']}")


def stamp_claim(request, slug):
    # Evidence of any state counts for the date: rejecting evidence touches its row
    # and removes it from the feed.
    row = (
        Claim.objects.published()
        .filter(slug=slug)
        .annotate(
            ev_last=Max("evidence__updated"),
            ev_n=Count("evidence", filter=Q(evidence__state=Evidence.State.ACCEPTED), distinct=True),
            v_last=Max("verdicts__created"),
            v_n=Count("verdicts", distinct=True),
        )
        .values("updated", "ev_last", "ev_n", "v_last", "v_n")
        .first()
    )
    if row is None:
        return None
    return Stamp(_latest(row["updated"], row["ev_last"], row["v_last"]), f"e={row['ev_n']};v={row['v_n']}")


def stamp_browse(request):
    """The browse feed's own entries: the newest FEED_LIMIT matches' ids and last edit.

    A browse feed shows its FEED_LIMIT newest matches only, so an edit of an older match changes
    nothing it holds; and a new, edited or unpublished entry changes this set or its dates. An
    aggregate over every match read the rows of all 45,000 claims of a large topic (100 ms at
    100k claims), where this reads what the feed reads. The date is the last edit of any claim
    (one entry of an index), as the claims feed's is: an entry that leaves the feed (unpublished,
    or edited out of the filters) must not move the date back.
    """
    rows = browse_feed_entries(browse_form(request))
    stamp = _entries_stamp(rows)
    return Stamp(stamp.last_modified, stamp.token, tuple(pk for pk, _ in rows))


def _entries_stamp(rows, head="", *, empty_undated=False):
    """A stamp from a feed's entries' (pk, updated) and ``head`` (its title's and description's
    text); dated by the last edit of any claim, or undated when ``empty_undated`` and it has none."""
    entries = hashlib.sha256(repr(rows).encode()).hexdigest()[:16]
    last = None if empty_undated and not rows else Claim.objects.aggregate(last=Max("updated"))["last"]
    return Stamp(last, f"entries={entries};{head}")


def generation_stamp(stamp, request, **kwargs):
    """``stamp(request, **kwargs)``, computed once per claims generation: every stamp aggregates
    claims tables only (a sequential scan of every claim for the claims feed, 200 ms at 100k),
    and any write to them advances the generation (claims/generation.py)."""
    raw = f"{stamp.__name__}|{request.get_full_path()}"
    key = f"feed-stamp:v2:{hashlib.sha256(raw.encode()).hexdigest()}:{claims_generation()}"
    found = cache.get(key, MISSING_STAMP)
    if found is MISSING_STAMP:
        found = stamp(request, **kwargs)
        cache.set(key, found, 24 * 3600)
    return found


MISSING_STAMP = object()


def conditional_feed(stamp):
    """ETag and Last-Modified from ``stamp(request, **kwargs)``, computed once per request.

    ``condition`` asks for the date and the ETag separately; the stamp is cached on the
    request so both come from the same single query.
    """

    def cached(request, **kwargs):
        if not hasattr(request, "_claimwatch_feed_stamp"):
            request._claimwatch_feed_stamp = generation_stamp(stamp, request, **kwargs)
        return request._claimwatch_feed_stamp

    def etag(request, **kwargs):
        s = cached(request, **kwargs)
        if s is None:
            return None
        last = s.last_modified.isoformat() if s.last_modified else "-"
        # The full path keeps RSS, Atom and each browse query string apart.
        raw = f"{FEED_VERSION}|{request.get_full_path()}|{last}|{s.token}"
        return hashlib.sha256(raw.encode()).hexdigest()[:32]

    def last_modified(request, **kwargs):
        s = cached(request, **kwargs)
        return s.last_modified if s else None

    return condition(etag_func=etag, last_modified_func=last_modified)


# --- Feeds ----------------------------------------------------------------------------


# Everything outside XML 1.0's Char production: C0 controls but tab/newline/return,
# lone surrogates, and the non-characters U+FFFE and U+FFFF. A feed holding one is not
# XML at all (or Django's writer raises on it, a 500), and they can reach us inside
# ingested titles or a browse query's text (?q=%EF%BF%BE).
_XML_ILLEGAL = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_safe(value):
    if isinstance(value, Promise):  # lazy translations are text too
        value = str(value)
    if isinstance(value, str):
        return _XML_ILLEGAL.sub("", value)
    if isinstance(value, (list, tuple)):
        return [_xml_safe(v) for v in value]
    if isinstance(value, dict):
        return {k: _xml_safe(v) for k, v in value.items()}
    return value


class _XmlSafe:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **{k: _xml_safe(v) for k, v in kwargs.items()})

    def add_item(self, *args, **kwargs):
        super().add_item(*args, **{k: _xml_safe(v) for k, v in kwargs.items()})


class SafeRssFeed(_XmlSafe, Rss201rev2Feed):
    pass


class SafeAtomFeed(_XmlSafe, Atom1Feed):
    pass


def editor_name(user) -> str:
    """Who recorded a verdict or accepted evidence: the editor, or the desk when unknown."""
    if user is None:
        return EDITORS
    return user.get_full_name() or user.get_username()


# Feed attributes that are links: given as paths, made absolute against the configured
# site URL (not the request's Host), so every id and link is the same for every reader.
_LINK_ATTRIBUTES = {"link", "item_link", "feed_url", "author_link", "item_author_link"}


class ClaimwatchFeed(Feed):
    """Shared behaviour; one instance per request, so ``self.request`` is safe to keep."""

    feed_type = SafeRssFeed
    author_name = "Claimwatch"
    feed_copyright = "Curated claims, evidence and verdicts: Claimwatch, CC BY 4.0"
    language = "en"

    def __call__(self, request, *args, **kwargs):
        self.request = request
        response = super().__call__(request, *args, **kwargs)
        # Feed sets Last-Modified from the newest entry (or *now* for an empty feed);
        # conditional_feed's stamp is the one the 304 logic compares against.
        response.headers.pop("Last-Modified", None)
        return response

    def _get_dynamic_attr(self, attname, obj, default=None):
        value = super()._get_dynamic_attr(attname, obj, default)
        if attname in _LINK_ATTRIBUTES and isinstance(value, str) and value.startswith("/"):
            return site_url(value)
        return value

    def author_link(self):
        return reverse("claims:home")

    def feed_url(self, obj):
        return self.request.path

    def feed_guid(self, obj):
        # Atom's feed <id> defaults to the page link, which several feeds share (/claims/).
        return site_url(self.request.get_full_path())

    def tag(self, kind, pk):
        return f"tag:{site_host()},{TAG_YEAR}:{kind}/{pk}"

    def item_guid_is_permalink(self):
        return False

    def absolute(self, path):
        return site_url(path)


class ClaimEntries:
    """Entry fields for feeds whose items are claims."""

    def item_title(self, claim):
        return claim.title

    def item_description(self, claim):
        by = claim.person.name if claim.person else "the essay's author (unnamed)"
        return format_html(
            "<p>{}</p><blockquote><p>{}</p></blockquote><p>— {}, {}</p>",
            claim.statement,
            claim.quote,
            by,
            claim.date_display,
        )

    def item_link(self, claim):
        return claim.get_absolute_url()

    def item_guid(self, claim):
        return self.tag("claim", claim.pk)

    def item_author_name(self, claim):
        return claim.person.name if claim.person else "Claimwatch"

    def item_author_link(self, claim):
        return self.absolute(claim.person.get_absolute_url()) if claim.person else None

    def item_pubdate(self, claim):
        return claim.created

    def item_updateddate(self, claim):
        return claim.updated

    def item_categories(self, claim):
        return [t.name for t in claim.topics.all()]


class NewClaimsFeed(ClaimEntries, ClaimwatchFeed):
    title = "Claimwatch: new claims"
    description = "Expert claims about AI progress as Claimwatch records them, newest first."

    def link(self):
        return reverse("claims:claim_list")

    def items(self):
        return feed_claims()[:FEED_LIMIT]


class VerdictsFeed(ClaimwatchFeed):
    title = "Claimwatch: verdict changes"
    description = "Every change of verdict on a published claim, with the editors' rationale."

    def link(self):
        return reverse("claims:claim_list")

    def items(self):
        return feed_verdicts()[:FEED_LIMIT]

    def item_title(self, verdict):
        correction = "Editorial correction: " if verdict.is_correction else ""
        return f"{correction}{verdict.claim.title}: {verdict.get_status_display()}"

    def item_description(self, verdict):
        claim = verdict.claim
        return format_html(
            "<p><strong>{}</strong> as of {}.</p><p>{}</p><p>The claim: {}</p><blockquote><p>{}</p></blockquote>",
            verdict.get_status_display(),
            verdict.as_of_display,
            verdict.rationale,
            claim.statement,
            claim.quote,
        )

    def item_link(self, verdict):
        return verdict.claim.get_absolute_url()

    def item_guid(self, verdict):
        return self.tag("verdict", verdict.pk)

    def item_author_name(self, verdict):
        # A verdict is the editors' judgement, not the claimant's words.
        return editor_name(verdict.recorded_by)

    def item_author_link(self, verdict):
        return None

    def item_pubdate(self, verdict):
        return verdict.created

    def item_updateddate(self, verdict):
        return verdict.created


class TopicFeed(ClaimEntries, ClaimwatchFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Topic, slug=slug)

    def title(self, topic):
        return f"Claimwatch: claims on {topic.name}"

    def description(self, topic):
        return topic.description or f"New claims on {topic.name}."

    def link(self, topic):
        return topic.get_absolute_url()

    def items(self, topic):
        return feed_claims().filter(topics=topic)[:FEED_LIMIT]


class PersonFeed(ClaimEntries, ClaimwatchFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Person, slug=slug)

    def title(self, person):
        return f"Claimwatch: claims by {person.name}"

    def description(self, person):
        return f"New claims by {person.name} as Claimwatch records them."

    def link(self, person):
        return person.get_absolute_url()

    def items(self, person):
        return feed_claims().filter(person=person)[:FEED_LIMIT]


@dataclass
class ClaimEvent:
    """One entry of a claim's own feed: an accepted evidence item or a verdict change."""

    kind: str  # "evidence" or "verdict"
    obj: object
    claim: Claim

    @property
    def date(self):
        return self.obj.updated if self.kind == "evidence" else self.obj.created


def claim_events(claim):
    evidence = [ClaimEvent("evidence", e, claim) for e in feed_claim_evidence(claim)[:FEED_LIMIT]]
    verdicts = [ClaimEvent("verdict", v, claim)
                for v in claim.verdicts.select_related("recorded_by").order_by("-created", "-id")[:FEED_LIMIT]]
    return sorted(evidence + verdicts, key=lambda e: (e.date, e.obj.pk), reverse=True)[:FEED_LIMIT]


class ClaimFeed(ClaimwatchFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Claim.objects.published().select_related("person"), slug=slug)

    def title(self, claim):
        return f"Claimwatch: {claim.title}"

    def description(self, claim):
        return f"New evidence and verdict changes on the claim: {claim.statement}"

    def link(self, claim):
        return claim.get_absolute_url()

    def items(self, claim):
        return claim_events(claim)

    def item_title(self, event):
        if event.kind == "evidence":
            return f"Evidence ({event.obj.get_stance_display()}): {event.obj.title}"
        if event.obj.is_correction:
            return f"Editorial correction: verdict {event.obj.get_status_display()}"
        return f"Verdict: {event.obj.get_status_display()}"

    def item_description(self, event):
        item = event.obj
        if event.kind == "verdict":
            return format_html(
                "<p><strong>{}</strong> as of {}.</p><p>{}</p>",
                item.get_status_display(),
                item.as_of_display,
                item.rationale,
            )
        labels = (item.get_stance_display(), item.get_strength_display(), item.get_tier_display())
        parts = [("<p>{} · {} · {}</p>", labels)]
        if item.url:
            parts.append(('<p><a href="{}">{}</a></p>', (item.url, item.title)))
        else:
            parts.append(("<p>{}</p>", (item.title,)))
        if item.summary:
            parts.append(("<p>{}</p>", (item.summary,)))
        if item.note:
            parts.append(("<p>Editor's note: {}</p>", (item.note,)))
        return format_html_join("", "{}", ((format_html(f, *args),) for f, args in parts))

    def item_link(self, event):
        return event.claim.get_absolute_url()

    def item_guid(self, event):
        return self.tag(event.kind, event.obj.pk)

    def item_author_name(self, event):
        # Verdicts and accepted evidence are the editors' work, not the claimant's.
        user = event.obj.recorded_by if event.kind == "verdict" else event.obj.added_by
        return editor_name(user)

    def item_author_link(self, event):
        return None

    def item_pubdate(self, event):
        return event.obj.created

    def item_updateddate(self, event):
        return event.date


@dataclass
class BrowseQuery:
    form: BrowseForm
    params: str  # the filters as a query string, without page

    def describe(self):
        filters = [(k, v) for k, v in self.form.cleaned_data.items() if v and k not in ("page", "sort")]
        return ", ".join(f"{name} “{value}”" for name, value in filters) or "all claims"


class BrowseFeed(ClaimEntries, ClaimwatchFeed):
    def get_object(self, request):
        form = browse_form(request)
        params = urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v])
        return BrowseQuery(form, params)

    def title(self, query):
        return f"Claimwatch: claims matching {query.describe()}"

    def description(self, query):
        return f"New published claims matching the browse filters {query.describe()}."

    def link(self, query):
        return reverse("claims:claim_list") + (f"?{query.params}" if query.params else "")

    def feed_url(self, query):
        return self.request.path + (f"?{query.params}" if query.params else "")

    def items(self, query):
        # The stamp of this request (conditional_feed) holds the entries' ids, cached per claims
        # generation: the body reads those rows, not the filtered walk again.
        stamp = getattr(self.request, "_claimwatch_feed_stamp", None)
        entries = stamp.entries if stamp is not None else [pk for pk, _ in browse_feed_entries(query.form)]
        return browse_feed_claims(query.form, entries)


class AtomMixin:
    feed_type = SafeAtomFeed

    def subtitle(self, obj):
        # Atom has no <description>; the same text goes in <subtitle>.
        return self._get_dynamic_attr("description", obj)


def _feed_views(feed_class, stamp):
    atom_class = type(f"{feed_class.__name__}Atom", (AtomMixin, feed_class), {})

    def make(cls):
        @conditional_feed(stamp)
        def view(request, **kwargs):
            return cls()(request, **kwargs)

        view.__name__ = view.__qualname__ = f"{cls.__name__}_view"
        return view

    return make(feed_class), make(atom_class)


claims_rss, claims_atom = _feed_views(NewClaimsFeed, stamp_claims)
verdicts_rss, verdicts_atom = _feed_views(VerdictsFeed, stamp_verdicts)
topic_rss, topic_atom = _feed_views(TopicFeed, stamp_topic)
person_rss, person_atom = _feed_views(PersonFeed, stamp_person)
claim_rss, claim_atom = _feed_views(ClaimFeed, stamp_claim)


def _validated_browse(view):
    """Bad filters are a 400 before any conditional-GET work is done."""

    @wraps(view)
    def checked(request):
        form = browse_form(request)
        if not form.is_valid():
            return bad_query(request, form, "Invalid filter")
        return view(request)

    return checked


browse_rss, browse_atom = (_validated_browse(v) for v in _feed_views(BrowseFeed, stamp_browse))


def feed_directory(request):
    context = {
        "topics": Topic.objects.with_published_counts().order_by("name"),
        "people": Person.objects.with_published_claims().order_by("name"),
        "part_size": f"{download_parts.PART_SIZE:,}",
    }
    return render(request, "claims/feed_directory.html", context)
