"""The editors' pages. Views parse the request, check access, call a service, render.

Writes are POST only (GET -> 405) and work without JavaScript: a plain POST redirects
back with a message; an htmx POST gets the changed fragment (and the counts, out of band).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from claims import services
from claims.errors import bad_query
from claims.models import Claim, Evidence, Revision
from claims.services import EditorialConflict

from . import checks, proposals, selectors
from .corrections import RevertForm
from .diffs import history
from .forms import (
    AuditFilterForm,
    BulkDecisionForm,
    ClaimForm,
    attribution_formset,
    EvidenceAcceptForm,
    EvidenceRejectForm,
    MeasureForm,
    PageForm,
    ProposalAcceptForm,
    ProposalDismissForm,
    StateForm,
    VerdictForm,
)
from measures.models import Measure

from .models import ProposedVerdict
from .permissions import editor_required, staff_required

CURATE = "claims.change_evidence"


def _validation_messages(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# ---------------------------------------------------------------- the queue


def _with_forms(item: Evidence, accept=None, reject=None) -> Evidence:
    # Prefixes keep field ids unique when fifty rows share one page.
    item.accept_form = accept or EvidenceAcceptForm(prefix=f"accept-{item.pk}")
    item.reject_form = reject or EvidenceRejectForm(prefix=f"reject-{item.pk}")
    return item


def _queue_context(request, page: int = 1, bound: Evidence | None = None) -> dict:
    counts = selectors.evidence_counts()
    items = selectors.suggestions(offset=(page - 1) * selectors.QUEUE_PAGE_SIZE)
    items = [bound if bound is not None and item.pk == bound.pk else _with_forms(item) for item in items]
    if bound is not None and all(item.pk != bound.pk for item in items):
        items.insert(0, bound)
    pages = max(1, -(-counts["suggested"] // selectors.QUEUE_PAGE_SIZE))
    return {
        "counts": counts,
        "suggestions": items,
        "proposals": [(p, ProposalAcceptForm(prefix=f"proposal-{p.pk}", initial={"rationale": p.reason}),
                       ProposalDismissForm(prefix=f"dismiss-{p.pk}")) for p in selectors.pending_proposals()],
        "impacts": checks.recent_impacts(),
        "page": page,
        "pages": pages,
        "page_size": selectors.QUEUE_PAGE_SIZE,
        "bulk_form": BulkDecisionForm(),
    }


@require_GET
@editor_required(CURATE)
@never_cache
def queue(request):
    form = PageForm(request.GET)
    if not form.is_valid():
        return bad_query(request, form)
    return render(request, "editorial/queue.html", _queue_context(request, form.cleaned_data["page"] or 1))


def _row_response(request, item: Evidence, *, status: int = 200, notice: str = "") -> HttpResponse:
    """An htmx answer: the row in its new state, plus the counts swapped out of band."""
    row = render_to_string("editorial/queue.html#suggestion", {"item": item, "notice": notice}, request=request)
    counts = render_to_string("editorial/queue.html#counts", {"counts": selectors.evidence_counts(), "oob": True},
                              request=request)
    return HttpResponse(row + counts, status=status)


def _decide(request, pk: int, form_class, prefix: str, apply):
    evidence = get_object_or_404(Evidence.objects.select_related("claim", "feed_item__source", "source"), pk=pk)
    form = form_class(request.POST, prefix=f"{prefix}-{pk}")
    error = None
    if form.is_valid():
        try:
            evidence = apply(form.cleaned_data)
        except EditorialConflict as exc:
            evidence = Evidence.objects.select_related("claim", "feed_item__source", "source").get(pk=pk)
            if request.htmx:
                return _row_response(request, evidence, notice=str(exc))
            messages.warning(request, str(exc))
            return redirect("editorial:queue")
        except ValidationError as exc:
            error = _validation_messages(exc)
            form.add_error(None, error)
        else:
            if request.htmx:
                return _row_response(request, evidence)
            messages.success(request, f"{evidence.get_state_display().capitalize()}: “{evidence.title}”.")
            return redirect("editorial:queue")
    # Invalid input: show the row again with its errors and what was typed.
    bound = _with_forms(evidence, **{"accept" if prefix == "accept" else "reject": form})
    if request.htmx:
        # 200, not 4xx: htmx only swaps successful responses, and the errors must show.
        return _row_response(request, bound)
    return render(request, "editorial/queue.html", _queue_context(request, bound=bound), status=400)


@require_POST
@editor_required(CURATE)
def evidence_accept(request, pk):
    return _decide(request, pk, EvidenceAcceptForm, "accept", lambda data: services.accept_evidence(
        pk, user=request.user, stance=data["stance"], strength=data["strength"], tier=data["tier"], note=data["note"]))


@require_POST
@editor_required(CURATE)
def evidence_reject(request, pk):
    return _decide(request, pk, EvidenceRejectForm, "reject", lambda data: services.reject_evidence(
        pk, user=request.user, reason=data["reason"]))


@require_POST
@editor_required(CURATE)
def evidence_bulk(request):
    form = BulkDecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("editorial:queue")
    data = form.cleaned_data
    decided, skipped = services.decide_in_bulk(data["ids"], user=request.user, action=data["action"],
                                               reason=data["reason"])
    verb = "accepted as context" if data["action"] == "accept_context" else "rejected"
    text = f"{decided} suggestion{'s' if decided != 1 else ''} {verb}."
    if skipped:
        text += f" {skipped} skipped: already decided or gone."
    messages.success(request, text)
    return redirect("editorial:queue")


# ---------------------------------------------------------------- proposed verdicts


@require_POST
@editor_required(CURATE, "editorial.change_proposedverdict", "claims.add_verdict")
def proposal_accept(request, pk):
    proposal = get_object_or_404(ProposedVerdict, pk=pk)
    form = ProposalAcceptForm(request.POST, prefix=f"proposal-{pk}")
    if not form.is_valid():
        messages.error(request, "Accepting a proposed verdict needs a rationale.")
        return redirect("editorial:queue")
    try:
        proposals.accept_proposal(proposal.pk, user=request.user, rationale=form.cleaned_data["rationale"])
    except EditorialConflict as exc:
        messages.warning(request, str(exc))
    except ValidationError as exc:
        messages.error(request, _validation_messages(exc))
    else:
        messages.success(request, f"Verdict recorded for “{proposal.claim.title}”.")
    return redirect("editorial:queue")


@require_POST
@editor_required(CURATE, "editorial.change_proposedverdict")
def proposal_dismiss(request, pk):
    proposal = get_object_or_404(ProposedVerdict, pk=pk)
    form = ProposalDismissForm(request.POST, prefix=f"dismiss-{pk}")
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        proposals.dismiss_proposal(proposal.pk, user=request.user, note=note)
    except EditorialConflict as exc:
        messages.warning(request, str(exc))
    else:
        messages.success(request, f"Proposal for “{proposal.claim.title}” dismissed.")
    return redirect("editorial:queue")


# ---------------------------------------------------------------- claims


def _editable_claim(slug):
    # Editors work on drafts too, so this is not Claim.objects.published().
    return get_object_or_404(Claim.objects.select_related("person", "source").prefetch_related("topics"), slug=slug)


@require_GET
@editor_required("claims.change_claim")
@never_cache
def claim_list(request):
    form = PageForm(request.GET)
    if not form.is_valid():
        return bad_query(request, form)
    state = form.cleaned_data["state"] or None
    page = Paginator(selectors.claims_for_editors(state), 50).get_page(form.cleaned_data["page"] or 1)
    return render(request, "editorial/claim_list.html", {"page": page, "state": state,
                                                          "states": Claim.EditorialState.choices})


@transaction.atomic
def _save_claim(request, form, attributions, claim=None):
    # One transaction: a new source must not outlive a claim that failed to save.
    values = form.values()
    data = form.cleaned_data
    if data.get("new_source_title"):
        values["source"] = services.find_or_create_source(
            user=request.user, title=data["new_source_title"], url=data["new_source_url"],
            publisher=data["new_source_publisher"])
    rows = attributions.rows()
    if claim is None:
        return services.create_claim(user=request.user, values=values, topics=data["topics"], comment=data["comment"],
                                     attributions=rows)
    services.update_claim(claim, user=request.user, values=values, topics=data["topics"], comment=data["comment"],
                          attributions=rows)
    return Claim.objects.get(pk=claim.pk)


@require_http_methods(["GET", "POST"])
@editor_required("claims.add_claim")
@never_cache
def claim_new(request):
    form = ClaimForm(request.POST or None)
    attributions = attribution_formset(data=request.POST or None)
    # Both are validated, so every error shows at once.
    if request.method == "POST" and all([form.is_valid(), attributions.is_valid()]):
        try:
            claim = _save_claim(request, form, attributions)
        except ValidationError as exc:
            _add_model_errors(form, exc)
        else:
            messages.success(request, f"Draft “{claim.title}” created.")
            return redirect("editorial:claim_edit", claim.slug)
    return render(request, "editorial/claim_form.html", {"form": form, "attributions": attributions, "claim": None},
                  status=400 if request.method == "POST" else 200)


def _add_model_errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _edit_context(claim, form=None, verdict_form=None, test_form=None, attributions=None):
    return {
        "claim": claim,
        "form": form or ClaimForm(initial=ClaimForm.initial_for(claim)),
        "attributions": attributions or attribution_formset(claim),
        "verdict_form": verdict_form or VerdictForm(initial={"status": claim.status}),
        "transitions": [(state, Claim.EditorialState(state).label)
                        for state in sorted(services.TRANSITIONS.get(claim.editorial_state, ()))],
        "tests": selectors.claims_tests_for_claim(claim),
        "test_form": test_form or MeasureForm(),
        "proposals": list(claim.proposed_verdicts.pending().select_related("measure")),
        "verdicts": list(claim.verdicts.select_related("recorded_by")[:10]),
    }


@require_http_methods(["GET", "POST"])
@editor_required("claims.change_claim")
@never_cache
def claim_edit(request, slug):
    claim = _editable_claim(slug)
    if request.method == "GET":
        return render(request, "editorial/claim_form.html", _edit_context(claim))
    form = ClaimForm(request.POST)
    attributions = attribution_formset(claim, data=request.POST)
    if all([form.is_valid(), attributions.is_valid()]):
        try:
            claim = _save_claim(request, form, attributions, claim)
        except ValidationError as exc:
            _add_model_errors(form, exc)
        else:
            messages.success(request, "Saved.")
            return redirect("editorial:claim_edit", claim.slug)
    return render(request, "editorial/claim_form.html", _edit_context(claim, form=form, attributions=attributions),
                  status=400)


@require_POST
@editor_required("claims.change_claim")
def claim_state(request, slug):
    claim = _editable_claim(slug)
    form = StateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Unknown editorial state.")
        return redirect("editorial:claim_edit", claim.slug)
    try:
        claim = services.change_editorial_state(claim, form.cleaned_data["to"], user=request.user)
    except EditorialConflict as exc:
        messages.warning(request, str(exc))
    else:
        messages.success(request, f"“{claim.title}” is now {claim.get_editorial_state_display()}.")
    return redirect("editorial:claim_edit", claim.slug)


@require_POST
@editor_required("claims.change_claim", "claims.add_verdict")
def claim_verdict(request, slug):
    claim = _editable_claim(slug)
    form = VerdictForm(request.POST)
    if form.is_valid():
        as_of, precision = form.cleaned_data["as_of"]
        try:
            services.change_verdict(claim, user=request.user, status=form.cleaned_data["status"],
                                    rationale=form.cleaned_data["rationale"], as_of=as_of, as_of_precision=precision)
        except ValidationError as exc:
            _add_model_errors(form, exc)
        else:
            messages.success(request, "Verdict recorded.")
            return redirect("editorial:claim_edit", claim.slug)
    return render(request, "editorial/claim_form.html", _edit_context(claim, verdict_form=form), status=400)


@require_GET
@editor_required("claims.view_revision")
@never_cache
def claim_history(request, slug):
    claim = _editable_claim(slug)
    revisions = selectors.claim_revisions(claim)
    return render(request, "editorial/claim_history.html", _history_context(request, claim, revisions))


def _history_context(request, claim, revisions, *, failed=None, form=None):
    for revision in revisions:
        # One form per revision, prefixed so field ids stay unique; a refused one keeps its errors.
        revision.revert_form = form if revision.pk == failed else RevertForm(prefix=f"revert-{revision.pk}")
    return {
        "claim": claim,
        "history": history(revisions),
        "latest_id": revisions[0].pk if revisions else None,
        "audit": selectors.claim_audit(claim),
        "can_revert": request.user.has_perm("claims.change_claim"),
        "failed_revert": failed,
    }


@require_POST
@editor_required("claims.change_claim")
def claim_revert(request, slug, revision_id):
    claim = _editable_claim(slug)
    # Object by object: only a revision of this very claim can be restored onto it.
    revision = get_object_or_404(Revision, pk=revision_id, target=Revision.Target.CLAIM, object_id=claim.pk)
    form = RevertForm(request.POST, prefix=f"revert-{revision.pk}")
    if not form.is_valid():
        context = _history_context(request, claim, selectors.claim_revisions(claim), failed=revision.pk, form=form)
        return render(request, "editorial/claim_history.html", context, status=400)
    try:
        new = services.revert_claim(claim, revision, user=request.user, reason=form.cleaned_data["reason"])
    except EditorialConflict as exc:
        messages.warning(request, str(exc))
    else:
        if new is None:
            messages.info(request, f"Revision #{revision.pk} is what the claim already says; nothing changed.")
        else:
            messages.success(request, f"Reverted to revision #{revision.pk}; recorded as revision #{new.pk}.")
    return redirect("editorial:claim_history", claim.slug)


# ---------------------------------------------------------------- operationalised tests


@require_http_methods(["GET", "POST"])
@editor_required("claims.change_claim", "measures.view_measure")
@never_cache
def claim_tests(request, slug):
    claim = _editable_claim(slug)
    form = MeasureForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("measures.add_measure"):
            raise PermissionDenied("You may not add tests.")
        if form.is_valid():
            op = checks.add_test(claim, user=request.user, form=form)
            messages.success(request, f"Test added; now {op.get_outcome_display()}.")
            return redirect("editorial:claim_tests", claim.slug)
    context = {"claim": claim, "tests": selectors.claims_tests_for_claim(claim), "test_form": form}
    return render(request, "editorial/claim_tests.html", context, status=400 if form.errors else 200)


def _claim_test(slug, pk):
    claim = _editable_claim(slug)
    return claim, get_object_or_404(Measure.objects.select_related("claim", "benchmark", "series"),
                                    pk=pk, claim=claim)


@require_http_methods(["GET", "POST"])
@editor_required("claims.change_claim", "measures.change_measure")
@never_cache
def test_edit(request, slug, pk):
    claim, op = _claim_test(slug, pk)
    form = MeasureForm(request.POST or None, instance=op)
    if request.method == "POST" and form.is_valid():
        op = checks.change_test(op, user=request.user, form=form)
        messages.success(request, f"Measure saved; now {op.get_outcome_display()}.")
        return redirect("editorial:claim_tests", claim.slug)
    context = {"claim": claim, "measure": op, "test_form": form}
    return render(request, "editorial/measure_form.html", context, status=400 if form.errors else 200)


@require_POST
@editor_required("measures.change_measure")
def test_check(request, slug, pk):
    claim, op = _claim_test(slug, pk)
    proposal = checks.check_now(op, user=request.user)
    text = f"Checked: {op.get_outcome_display()}."
    if proposal is not None:
        text += " A proposed verdict is waiting in the queue."
    messages.success(request, text)
    return redirect("editorial:claim_tests", claim.slug)


@require_POST
@editor_required("measures.delete_measure")
def test_delete(request, slug, pk):
    claim, op = _claim_test(slug, pk)
    checks.remove_test(op, user=request.user)
    messages.success(request, "Test removed.")
    return redirect("editorial:claim_tests", claim.slug)


# ---------------------------------------------------------------- audit log


@require_GET
@staff_required
@never_cache
def audit_log(request):
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        return bad_query(request, form)
    entries = selectors.audit_log()
    if form.cleaned_data["action"]:
        entries = entries.filter(action=form.cleaned_data["action"])
    page = Paginator(entries, 100).get_page(form.cleaned_data["page"] or 1)
    response = render(request, "editorial/audit_log.html", {"page": page, "action": form.cleaned_data["action"]})
    patch_vary_headers(response, ["Cookie"])
    return response
