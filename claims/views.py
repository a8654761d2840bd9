"""Reader pages. Each view parses the request, calls a named query, renders.

Fragments are template partials: an htmx request gets "page.html#partial", a direct
load (or an htmx history restore) gets the whole page from the same template.
"""

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe

from ingest.models import IngestRun

from . import dashboard
from .browse import EXPANDABLE, cached_facet_counts
from .charts import build_chart
from .citation import bibtex, claim_review
from .forms import BrowseForm, TimelineForm
from .models import Claim, Evidence, Person, Topic, Verdict
from .pagination import CachedCountPaginator
from .series import HEADLINE_BENCHMARK, MAX_MARKERS, chart_key_for, value_at
from .timeline import timeline_events
from .track_record import track_record

PAGE_SIZE = 25
TIMELINE_CLAIMS = 300
TABS = (("supports", "For"), ("contradicts", "Against"), ("context", "Context"))


def _wants_fragment(request):
    return bool(request.htmx) and not request.htmx.history_restore_request


def _render(request, template, partial, context):
    """Full page, or just ``partial`` for htmx; caches must keep the two apart."""
    name = f"{template}#{partial}" if _wants_fragment(request) else template
    response = render(request, name, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _bad_request(form):
    return HttpResponseBadRequest(f"Invalid parameters: {form.error_text()}", content_type="text/plain")


def _published_topics():
    return Topic.objects.annotate(
        n=Count("claims", filter=Q(claims__editorial_state=Claim.EditorialState.PUBLISHED))
    )


def home(request):
    status_counts = dashboard.status_counts()
    dated = list(
        Claim.objects.published().filter(date_made__isnull=False).select_related("person")
        .order_by("-date_made", "title")[:MAX_MARKERS]
    )
    context = {
        "status_counts": [(value, label, status_counts.get(value, 0)) for value, label in Claim.Status.choices],
        "claim_total": sum(status_counts.values()),
        "latest_claims": Claim.objects.for_list().order_by("-created", "title")[:5],
        "verdicts": Verdict.objects.filter(claim__editorial_state=Claim.EditorialState.PUBLISHED)
        .select_related("claim")
        .order_by("-created", "-id")[:6],
        "newest_evidence": Evidence.objects.filter(
            state=Evidence.State.ACCEPTED, claim__editorial_state=Claim.EditorialState.PUBLISHED
        )
        .select_related("claim", "source", "feed_item")
        .order_by("-updated")[:5],
        "topics": [t for t in dashboard.topics_with_counts() if t.n],
        "model_count": dashboard.model_count(),
        "last_run": IngestRun.objects.select_related("source").filter(status__in=IngestRun.FINISHED).first(),
        "charts": [c for c in (build_chart("compute", dated), build_chart(f"benchmark:{HEADLINE_BENCHMARK}", dated)) if c],
    }
    return render(request, "claims/home.html", context)


def claim_list(request):
    form = BrowseForm(request.GET)
    if not form.is_valid():
        return _bad_request(form)
    if request.GET.get("expand", "") not in ("", *EXPANDABLE):
        return HttpResponseBadRequest(f"Invalid parameters: expand must be one of {', '.join(EXPANDABLE)}.",
                                      content_type="text/plain")
    claims = form.sorted(form.filter(Claim.objects.for_list()))
    counted = {k: v for k, v in form.cleaned_data.items() if k not in ("page", "sort")}
    paginator = CachedCountPaginator(claims, PAGE_SIZE, filters=counted, deferrable=not form.cleaned_data.get("q"))
    page = paginator.get_page(form.cleaned_data.get("page") or 1)
    context = {
        "form": form,
        "page": page,
        "facets": cached_facet_counts(form, request.GET),
        "filters": form.active_filters(),
        "sort": form.cleaned_data.get("sort") or "",
        "sorts": form.fields["sort"].choices[1:],
        "query_string": request.GET.urlencode(),
    }
    return _render(request, "claims/claim_list.html", "results", context)


def claim_detail(request, slug):
    claim = get_object_or_404(Claim.objects.for_detail(), slug=slug)
    topics = list(claim.topics.all())
    evidence = list(
        claim.evidence.filter(state=Evidence.State.ACCEPTED)
        .select_related("source", "feed_item", "feed_item__source")
        .order_by("-strength", "-created")
    )
    tab = request.GET.get("tab") or next((s for s, _ in TABS if any(e.stance == s for e in evidence)), "supports")
    if tab not in dict(TABS):
        return HttpResponseBadRequest("Invalid parameters: tab must be supports, contradicts or context.",
                                      content_type="text/plain")
    context = {
        "claim": claim,
        "tab": tab,
        "tabs": [(s, label, sum(e.stance == s for e in evidence)) for s, label in TABS],
        "tab_evidence": [e for e in evidence if e.stance == tab],
    }
    if _wants_fragment(request):
        return _render(request, "claims/claim_detail.html", "evidence", context)
    chart = build_chart(chart_key_for(topics), [claim], marked=claim) or build_chart("compute", [claim], claim)
    permalink = request.build_absolute_uri(claim.get_absolute_url())
    context.update(
        topics=topics,
        verdicts=claim.verdicts.select_related("recorded_by"),
        related=_related(claim, topics),
        chart=chart,
        then_now=_then_and_now(chart, claim),
        permalink=permalink,
        bibtex=bibtex(claim, permalink),
        jsonld=mark_safe(claim_review(claim, permalink)),  # escaped for <script> in claim_review
    )
    return _render(request, "claims/claim_detail.html", "evidence", context)


def _related(claim, topics):
    """Newest published claims sharing a topic (a subquery, so no DISTINCT over whole rows)."""
    sharing = Claim.topics.through.objects.filter(topic_id__in=[t.pk for t in topics]).values("claim_id")
    return Claim.objects.for_list().filter(pk__in=sharing).exclude(pk=claim.pk)[:5]


def _then_and_now(chart, claim):
    """The state of the art when the claim was made against the latest one."""
    if not chart:
        return None
    view = chart["view"]
    is_compute = not view.benchmark_slug
    return {
        "what": "largest training run (FLOP)" if is_compute else f"best {view.benchmark_name} score",
        "unit": view.unit,
        "then": value_at(view.records, claim.date_made),
        "now": view.records[-1],
        "known_date": claim.date_made is not None,
        "is_compute": is_compute,
    }


def person_list(request):
    return render(request, "claims/person_list.html", {"people": dashboard.people_with_counts()})


def person_detail(request, slug):
    person = get_object_or_404(Person, slug=slug)
    claims = list(Claim.objects.for_list().filter(person=person).order_by("date_made", "title"))
    context = {"person": person, "claims": claims, "record": track_record(claims)}
    return render(request, "claims/person_detail.html", context)


def topic_list(request):
    topics = sorted(dashboard.topics_with_counts(), key=lambda t: t.name)
    return render(request, "claims/topic_list.html", {"topics": topics})


def topic_detail(request, slug):
    topic = get_object_or_404(Topic, slug=slug)
    claims = Claim.objects.for_list().filter(topics=topic)
    page = Paginator(claims, PAGE_SIZE).get_page(request.GET.get("page") or 1)
    markers = claims.filter(date_made__isnull=False).prefetch_related(None)[:MAX_MARKERS]
    chart = build_chart(chart_key_for([topic]), markers)
    return render(request, "claims/topic_detail.html", {"topic": topic, "page": page, "chart": chart})


def timeline(request):
    form = TimelineForm(request.GET)
    if not form.is_valid():
        return _bad_request(form)
    # The newest claims only: the timeline is for reading, the browse page for everything.
    claims = list(form.filter(Claim.objects.for_list())[: TIMELINE_CLAIMS + 1])
    context = {
        "form": form,
        "truncated": len(claims) > TIMELINE_CLAIMS,
        "limit": TIMELINE_CLAIMS,
        "years": timeline_events(claims[:TIMELINE_CLAIMS], with_data=form.cleaned_data.get("show") != "claims"),
        "query_string": request.GET.urlencode(),
    }
    return _render(request, "claims/timeline.html", "events", context)
