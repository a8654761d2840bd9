"""Reader pages. Each view parses the request, calls a named query, renders.

Fragments are template partials: an htmx request gets "page.html#partial", a direct
load (or an htmx history restore) gets the whole page from the same template.
"""

from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe

from ingest.generation import data_generation
from ingest.models import AIModel, IngestRun
from measures.chart_config import FeaturedChart
from measures.claim_charts import claim_chart, featured_charts, topic_charts
from measures.selectors import claim_measures
from measures.series import value_at

from claims import dashboard
from claims.browse import EXPANDABLE, browse_title, cached_facet_counts, facet_filters, recognised_params
from claims.citation import bibtex, claim_review, meta_tags
from claims import download_parts
from claims.errors import bad_query, bad_request
from claims.forms import BrowseForm, TimelineForm
from claims.generation import claims_generation
from claims.models import Claim, Person, Topic, Verdict
from claims.pagination import BadCursor, CachedCountPaginator, page_of_ids
from claims.related import related_claims
from claims.site import site_url
from claims import text_match
from claims.track_record import person_track_record

from .charts import ChartStateForm
from .id_pages import counted_page_of
from .timeline import timeline_html

PAGE_SIZE = 25
TABS = (("supports", "For"), ("contradicts", "Against"), ("context", "Context"))
STANCE_WORDS = {"supports": "supporting it", "contradicts": "against it", "context": "giving context"}


def _wants_fragment(request):
    return bool(request.htmx) and not request.htmx.history_restore_request


def _render(request, template, partial, context):
    """Full page, or just ``partial`` for htmx; caches must keep the two apart."""
    name = f"{template}#{partial}" if _wants_fragment(request) else template
    response = render(request, name, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def home(request):
    charts = ChartStateForm(request.GET, featured_charts(FeaturedChart.Place.DASHBOARD))
    if not charts.is_valid():
        return bad_query(request, charts)
    status_counts = dashboard.status_counts()
    newest = dashboard.newest_evidence()
    context = {
        # Only the statuses claims have: one compact row, not eight boxes of which most say 0.
        "status_counts": [(value, label, status_counts[value]) for value, label in Claim.Status.choices
                          if status_counts.get(value)],
        "claim_total": sum(status_counts.values()),
        "latest_claims": Claim.objects.for_list().order_by("-created", "title")[:5],
        "verdicts": Verdict.objects.public()
        .select_related("claim")
        .order_by("-created", "-id")[:6],
        "newest_evidence": newest,
        # Until editors accept evidence, the newest data records stand in (so never an empty box).
        "newest_models": [] if newest else AIModel.objects.filter(notable=True, publication_date__isnull=False)
        .order_by("-publication_date", "name")[:5],
        "topics": [t for t in dashboard.topics_with_counts() if t.n],
        "model_count": dashboard.model_count(),
        "last_run": IngestRun.objects.select_related("source").filter(status__in=IngestRun.FINISHED).first(),
        "charts": charts.shown(),
    }
    return render(request, "claims/home.html", context)


def claim_list(request):
    form = BrowseForm(request.GET)
    if not form.is_valid():
        return bad_query(request, form)
    if request.GET.get("expand", "") not in ("", *EXPANDABLE):
        return bad_request(request, f"Invalid parameters: expand must be one of {', '.join(EXPANDABLE)}.")
    browse = cached_facet_counts(form, request.GET)  # the facets, and how many claims match
    facets = browse["facets"]
    q, number = form.cleaned_data.get("q"), form.cleaned_data.get("page") or 1
    if q:
        # Best match first (or in the sort asked for): q's ids, read once per claims generation
        # and q (and sort), not a rank or a sort of every match per request.
        sort = form.cleaned_data.get("sort")
        order = text_match.ordered(q, sort) if sort else None
        ids = text_match.of_form(form).matching(facet_filters(form), order, total=browse["count"])
        page = page_of_ids(Claim.objects.for_list(), ids, PAGE_SIZE, number)
    else:
        claims = form.sorted(form.filter(Claim.objects.for_list()))
        try:
            paginator = CachedCountPaginator(claims, PAGE_SIZE, filters=form.counted_filters(),
                                             known_count=browse["count"], cursor=form.cleaned_data.get("after") or "")
        except BadCursor as error:
            return bad_request(request, f"Invalid parameters: {error}")
        page = paginator.get_page(number)
    context = {
        "form": form,
        "page": page,
        "facets": facets,
        "page_title": browse_title(facets, form.cleaned_data.get("q") or ""),
        # A fragment carries the new <title> and feed links (out of band) so they follow the swap.
        "fragment": _wants_fragment(request),
        "filters": form.active_filters(),
        "sort": form.cleaned_data.get("sort") or "",
        "sorts": form.fields["sort"].choices[1:],
        "query_string": request.GET.urlencode(),
        # The downloads hold these claims, not this page of them, PART_SIZE a file.
        "download_params": (download_params := recognised_params(form)),
        "download_query": download_params.urlencode(),
        "download_parts": -(-page.paginator.count // download_parts.PART_SIZE),
        "part_size": f"{download_parts.PART_SIZE:,}",
    }
    return _render(request, "claims/claim_list.html", "results", context)


def claim_detail(request, slug):
    claim = get_object_or_404(Claim.objects.for_detail().select_related("untestable"), slug=slug)
    topics = list(claim.topics.all())
    evidence = list(
        claim.evidence.accepted()
        .select_related("source", "feed_item", "feed_item__source", "added_by")
        .order_by("-strength", "-created")
    )
    measured = claim_measures(claim)  # stored results; also counted as data evidence in the tabs
    tab = request.GET.get("tab") or next(
        (s for s, _ in TABS if any(e.stance == s for e in evidence) or measured.count(s)), "supports")
    if tab not in dict(TABS):
        return bad_request(request, "Invalid parameters: tab must be supports, contradicts or context.")
    tabs = [(s, label, sum(e.stance == s for e in evidence) + measured.count(s)) for s, label in TABS]
    context = {
        "claim": claim,
        "tab": tab,
        "tabs": tabs,
        "tab_evidence": [e for e in evidence if e.stance == tab],
        "claim_measures": measured,
        "tab_data": measured.evidence_for(tab),
    }
    if _wants_fragment(request):
        return _render(request, "claims/claim_detail.html", "evidence", context)
    chart = claim_chart(claim, measured.primary)
    state = ChartStateForm(request.GET, [chart])
    if not state.is_valid():
        return bad_query(request, state)
    permalink = site_url(claim.get_absolute_url())
    context.update(
        topics=topics,
        verdicts=list(claim.verdicts.select_related("recorded_by")),
        evidence_said=_evidence_said(tabs),
        related=related_claims(claim, topics),
        chart=chart,
        shown=state.shown_chart(),
        then_now=_then_and_now(chart, claim),
        permalink=permalink,
        bibtex=bibtex(claim, permalink, timezone.now().date()),
        citation_meta=meta_tags(claim, permalink),
        jsonld=mark_safe(claim_review(claim, permalink)),  # escaped for <script> in claim_review
        # Checked here, not only in the template: the link is a promise the edit view keeps.
        can_edit=request.user.has_perm("claims.change_claim"),
    )
    return _render(request, "claims/claim_detail.html", "evidence", context)


def _evidence_said(tabs) -> str:
    """How much evidence the verdict stands on, by stance: the end of the verdict's "Decided by ..." line."""
    counts = [(stance, n) for stance, _, n in tabs if n]
    total = sum(n for _, n in counts)
    if not total:
        return "; no evidence is attached yet, so it rests on the sources quoted"
    pieces = f"{total} piece{'s' if total != 1 else ''} of evidence below"
    if len(counts) == 1:
        return f", with {pieces}, {'all ' if total > 1 else ''}{STANCE_WORDS[counts[0][0]]}"
    return f", with {pieces}: " + ", ".join(f"{n} {STANCE_WORDS[stance]}" for stance, n in counts)


def claim_bibtex(request, slug):
    """The claim's BibTeX entry as a file a reference manager can import."""
    claim = get_object_or_404(Claim.objects.for_detail(), slug=slug)
    text = bibtex(claim, site_url(claim.get_absolute_url()), timezone.now().date())
    response = HttpResponse(text, content_type="application/x-bibtex; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{claim.slug}.bib"'
    return response


def _then_and_now(chart, claim):
    """The state of the art when the claim was made against the latest one, in human units."""
    if not chart or chart.ref.kind == "owid":
        return None
    then, now = value_at(chart.records, claim.date_made), chart.records[-1]
    return {
        "what": f"largest {chart.ref.measure_name}" if chart.ref.kind == "model" else f"best {chart.title} score",
        "then": then,
        "then_text": chart.unit.format(then.value) if then else "",
        "now": now,
        "now_text": chart.unit.format(now.value),
        "known_date": claim.date_made is not None,
    }


def person_list(request):
    return render(request, "claims/person_list.html",
                  {"page": dashboard.people_page(request.GET.get("page")), "resolved": dashboard.resolved_summary()})


PERSON_PAGE = 50


def person_detail(request, slug):
    person = get_object_or_404(Person, slug=slug)
    record = person_track_record(person)  # counted, not loaded: its total is the pager's count
    # Undated last on every database, and the pk last: the order claim_person_order (migration 0011) holds.
    claims = Claim.objects.for_list().filter(person=person).order_by(F("date_made").asc(nulls_last=True), "title", "pk")
    try:
        paginator = CachedCountPaginator(claims, PERSON_PAGE, filters={"person page": person.pk},
                                         known_count=record["total"], cursor=request.GET.get("after", "")[:500])
    except BadCursor as error:
        return bad_request(request, f"Invalid parameters: {error}")
    page = paginator.get_page(request.GET.get("page") or 1)
    return render(request, "claims/person_detail.html", {"person": person, "page": page, "record": record})


def topic_list(request):
    topics = sorted(dashboard.topics_with_counts(), key=lambda t: t.name)
    return render(request, "claims/topic_list.html", {"topics": topics})


def topic_detail(request, slug):
    topic = get_object_or_404(Topic, slug=slug)
    claims = Claim.objects.for_list().filter(topics=topic)
    # Counted from the stored topic counts and cached a page at a time per claims generation:
    # COUNT(*) and the sort over a topic's claims grow with it.
    count = next((t.n for t in dashboard.topics_with_counts() if t.pk == topic.pk), 0)
    page = counted_page_of(claims, f"topic:{topic.pk}", PAGE_SIZE, request.GET.get("page") or 1, count)
    charts = ChartStateForm(request.GET, topic_charts(topic))
    if not charts.is_valid():
        return bad_query(request, charts)
    # The charts' rendered HTML is cached under both generations: markers follow claims, traces the data.
    chart_version = f"{claims_generation()}:{data_generation()}"
    return render(request, "claims/topic_detail.html",
                  {"topic": topic, "page": page, "charts": charts.shown(), "chart_version": chart_version})


def timeline(request):
    form = TimelineForm(request.GET)
    if not form.is_valid():
        return bad_query(request, form)
    events = timeline_html(form.cleaned_data.get("topic"), form.cleaned_data.get("person"),
                           with_data=form.cleaned_data.get("show") != "claims",
                           lanes_by=form.cleaned_data.get("lanes") or "person")
    if _wants_fragment(request):
        response = HttpResponse(events)  # the "events" partial, rendered when it was cached
    else:
        response = render(request, "claims/timeline.html", {"form": form, "events": mark_safe(events)})
    patch_vary_headers(response, ["HX-Request"])
    return response
