"""Reader pages. Each view parses the request, calls a named query, renders.

Fragments are template partials: an htmx request gets "page.html#partial", a direct
load (or an htmx history restore) gets the whole page from the same template.
"""

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers

from ingest.models import AIModel, IngestRun

from .forms import BrowseForm
from .models import Claim, Person, Topic
from .track_record import track_record

PAGE_SIZE = 25


def _wants_fragment(request):
    return bool(request.htmx) and not request.htmx.history_restore_request


def home(request):
    status_counts = dict(
        Claim.objects.published().values_list("status").annotate(n=Count("id")).order_by()
    )
    context = {
        "status_counts": [
            (value, label, status_counts.get(value, 0)) for value, label in Claim.Status.choices
        ],
        "claim_total": sum(status_counts.values()),
        "latest_claims": Claim.objects.for_list()[:6],
        "resolved_claims": Claim.objects.for_list().filter(verdict_as_of__isnull=False).order_by(
            "-verdict_as_of", "title"
        )[:5],
        "topics": Topic.objects.annotate(
            n=Count("claims", filter=Q(claims__editorial_state=Claim.EditorialState.PUBLISHED))
        ).order_by("-n", "name"),
        "model_count": AIModel.objects.count(),
        "last_run": IngestRun.objects.select_related("source").filter(status__in=IngestRun.FINISHED).first(),
    }
    return render(request, "claims/home.html", context)


def claim_list(request):
    form = BrowseForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(f"Invalid filter: {form.error_text()}", content_type="text/plain")
    claims = form.filter(Claim.objects.for_list())
    page = Paginator(claims, PAGE_SIZE).get_page(form.cleaned_data.get("page") or 1)
    topics = Topic.objects.annotate(
        n=Count("claims", filter=Q(claims__editorial_state=Claim.EditorialState.PUBLISHED))
    ).filter(n__gt=0)
    active_topic = next((t for t in topics if t.slug == form.cleaned_data.get("topic")), None)
    if form.cleaned_data.get("topic") and active_topic is None:
        return HttpResponseBadRequest("Invalid filter: topic: no such topic.", content_type="text/plain")
    context = {"page": page, "topics": topics, "active_topic": active_topic, "filters": form.cleaned_data}
    template = "claims/claim_list.html#results" if _wants_fragment(request) else "claims/claim_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def claim_detail(request, slug):
    claim = get_object_or_404(Claim.objects.for_detail(), slug=slug)
    evidence = list(
        claim.evidence.filter(state="accepted").select_related("source", "feed_item").order_by("stance", "-strength")
    )
    related = (
        Claim.objects.for_list()
        .filter(topics__in=[t.pk for t in claim.topics.all()])
        .exclude(pk=claim.pk)
        .distinct()[:5]
    )
    context = {
        "claim": claim,
        "verdicts": claim.verdicts.select_related("recorded_by"),
        "evidence": evidence,
        "related": related,
    }
    return render(request, "claims/claim_detail.html", context)


def person_list(request):
    people = Person.objects.annotate(
        n=Count("claims", filter=Q(claims__editorial_state=Claim.EditorialState.PUBLISHED))
    ).filter(n__gt=0)
    return render(request, "claims/person_list.html", {"people": people})


def person_detail(request, slug):
    person = get_object_or_404(Person, slug=slug)
    claims = list(Claim.objects.for_list().filter(person=person))
    context = {"person": person, "claims": claims, "record": track_record(claims)}
    return render(request, "claims/person_detail.html", context)


def topic_list(request):
    topics = Topic.objects.annotate(
        n=Count("claims", filter=Q(claims__editorial_state=Claim.EditorialState.PUBLISHED))
    )
    return render(request, "claims/topic_list.html", {"topics": topics})


def topic_detail(request, slug):
    topic = get_object_or_404(Topic, slug=slug)
    claims = list(Claim.objects.for_list().filter(topics=topic))
    return render(request, "claims/topic_detail.html", {"topic": topic, "claims": claims})
