from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.text import slugify

from claims.dates import Precision, parse_partial_date
from claims.models import Claim, Evidence, Person, Source, Topic
from ingest.models import Benchmark, Series, SeriesPoint

from measures.models import Measure
from .validators import validate_source_url

PARTIAL_DATE_HELP = "YYYY, YYYY-MM or YYYY-MM-DD — only as precise as the source is."


class PartialDateField(forms.CharField):
    """'2022' / '2022-03' / '2022-03-14' -> (date, precision); blank -> (None, 'unknown')."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("help_text", PARTIAL_DATE_HELP)
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        try:
            return parse_partial_date(text)
        except ValueError:
            raise ValidationError("Give the date as YYYY, YYYY-MM or YYYY-MM-DD.", code="partial_date") from None

    def prepare_value(self, value):
        if isinstance(value, tuple):
            date, precision = value
            if date is None or precision == Precision.UNKNOWN:
                return ""
            return {"year": f"{date:%Y}", "month": f"{date:%Y-%m}"}.get(precision, date.isoformat())
        return value


class IdListField(forms.Field):
    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        try:
            ids = [int(v) for v in value]
        except (TypeError, ValueError):
            raise ValidationError("Pick suggestions from the list.", code="invalid") from None
        if any(i <= 0 for i in ids) or len(ids) > 500:
            raise ValidationError("Pick suggestions from the list.", code="invalid")
        return ids


class PageForm(forms.Form):
    """GET parameters of the paged editorial lists; bad input is a 400, not a guess."""

    page = forms.IntegerField(required=False, min_value=1, max_value=100000)
    state = forms.ChoiceField(required=False, choices=[("", "any")] + list(Claim.EditorialState.choices))

    def error_text(self):
        return "; ".join(f"{name}: {' '.join(errors)}" for name, errors in self.errors.items())


class AuditFilterForm(forms.Form):
    page = forms.IntegerField(required=False, min_value=1, max_value=100000)
    action = forms.RegexField(required=False, max_length=50, regex=r"^[a-z_]+\.[a-z_]+$")

    def error_text(self):
        return "; ".join(f"{name}: {' '.join(errors)}" for name, errors in self.errors.items())


class ThrottledAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That username and password do not match. Both are case-sensitive.",
    }


class EvidenceAcceptForm(forms.Form):
    stance = forms.ChoiceField(choices=Evidence.Stance.choices, initial=Evidence.Stance.CONTEXT)
    strength = forms.TypedChoiceField(choices=Evidence.Strength.choices, coerce=int, initial=Evidence.Strength.MODERATE)
    tier = forms.ChoiceField(choices=Evidence.Tier.choices, initial=Evidence.Tier.UNVERIFIED)
    note = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Markdown. Shown with the evidence.",
    )


class EvidenceRejectForm(forms.Form):
    reason = forms.CharField(max_length=500, error_messages={"required": "Say why this suggestion is rejected."})


class BulkDecisionForm(forms.Form):
    ids = IdListField(error_messages={"required": "Tick at least one suggestion."})
    action = forms.ChoiceField(choices=[("accept_context", "Accept as context"), ("reject", "Reject")])
    reason = forms.CharField(required=False, max_length=500, label="Reason for rejecting")

    def clean(self):
        data = super().clean()
        if data.get("action") == "reject" and not data.get("reason", "").strip():
            self.add_error("reason", "Say why these suggestions are rejected.")
        return data


class ClaimForm(forms.Form):
    title = forms.CharField(max_length=200)
    slug = forms.SlugField(max_length=100, required=False, help_text="Leave blank to make one from the title.")
    statement = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), help_text="The claim in one plain sentence.")
    quote = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), help_text="The verbatim words, exactly as the source has them.",
        error_messages={"required": "A claim needs its verbatim quote."},
    )
    person = forms.ModelChoiceField(queryset=Person.objects.order_by("name"), required=False,
                                    empty_label="(no named person)")
    date_made = PartialDateField(required=False, label="Date made")
    kind = forms.ChoiceField(choices=Claim.Kind.choices, initial=Claim.Kind.ASSESSMENT)
    deadline = forms.DateField(required=False, help_text="For predictions: YYYY-MM-DD.",
                               widget=forms.DateInput(attrs={"type": "date"}))
    topics = forms.ModelMultipleChoiceField(queryset=Topic.objects.order_by("name"), required=False,
                                            widget=forms.CheckboxSelectMultiple)
    source = forms.ModelChoiceField(queryset=Source.objects.order_by("title"), required=False,
                                    empty_label="(none, or a new source below)", label="Existing source")
    new_source_title = forms.CharField(max_length=500, required=False, label="New source: title")
    new_source_url = forms.URLField(max_length=1000, required=False, label="New source: URL",
                                    validators=[validate_source_url], assume_scheme="https")
    new_source_publisher = forms.CharField(max_length=200, required=False, label="New source: publisher")
    comment = forms.CharField(max_length=500, required=False, label="What changed and why",
                              help_text="Kept with the revision.")

    @classmethod
    def initial_for(cls, claim: Claim) -> dict:
        return {
            "title": claim.title, "slug": claim.slug, "statement": claim.statement, "quote": claim.quote,
            "person": claim.person_id, "date_made": (claim.date_made, claim.date_precision), "kind": claim.kind,
            "deadline": claim.deadline, "topics": [t.pk for t in claim.topics.all()], "source": claim.source_id,
        }

    def clean_quote(self):
        quote = self.cleaned_data["quote"].strip()
        if not quote:
            raise ValidationError("A claim needs its verbatim quote.")
        return quote

    def clean(self):
        data = super().clean()
        if not data.get("slug") and data.get("title"):
            data["slug"] = slugify(data["title"])[:100].strip("-")
            if not data["slug"]:
                self.add_error("slug", "Give a slug: the title has no letters to make one from.")
        new_source = data.get("new_source_title") or data.get("new_source_url")
        if new_source and data.get("source"):
            self.add_error("source", "Choose an existing source or describe a new one, not both.")
        if new_source and not data.get("new_source_title"):
            self.add_error("new_source_title", "A new source needs a title.")
        return data

    def values(self) -> dict:
        data = self.cleaned_data
        made, precision = data["date_made"]
        return {
            "slug": data["slug"], "title": data["title"].strip(), "statement": data["statement"].strip(),
            "quote": data["quote"], "person": data["person"], "source": data["source"], "date_made": made,
            "date_precision": precision, "kind": data["kind"], "deadline": data["deadline"],
        }


class StateForm(forms.Form):
    to = forms.ChoiceField(choices=Claim.EditorialState.choices)


class VerdictForm(forms.Form):
    status = forms.ChoiceField(choices=Claim.Status.choices)
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=5000,
        error_messages={"required": "A verdict change needs a rationale."},
    )
    as_of = PartialDateField(required=False, label="As of", help_text="Blank for today. " + PARTIAL_DATE_HELP)

    def clean_rationale(self):
        rationale = self.cleaned_data["rationale"].strip()
        if not rationale:
            raise ValidationError("A verdict change needs a rationale.")
        return rationale


class ProposalAcceptForm(forms.Form):
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=5000,
        error_messages={"required": "Accepting a proposed verdict needs a rationale."},
    )


class ProposalDismissForm(forms.Form):
    note = forms.CharField(required=False, max_length=500, label="Why dismiss (optional)")


class MeasureForm(forms.ModelForm):
    benchmark = forms.ModelChoiceField(queryset=Benchmark.objects.order_by("name"), required=False)
    series = forms.ModelChoiceField(queryset=Series.objects.order_by("name"), required=False)
    deadline = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}),
                               help_text="Optional. Only data dated on or before it counts.")

    class Meta:
        model = Measure
        fields = ["description", "kind", "attribute", "benchmark", "series", "entity", "comparison", "threshold", "deadline",
                  "expects"]
        help_texts = {"threshold": "A number; 1e25 is fine.", "expects": "Which outcome bears the claim out."}

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        Kind = Measure.Kind
        if kind == Kind.FRONTIER_AT and not (data.get("benchmark") or data.get("attribute")):
            self.add_error("benchmark", "Choose the benchmark (or model attribute) whose frontier is measured.")
        if kind == Kind.SERIES_LATEST:
            if not data.get("series"):
                self.add_error("series", "Choose the series.")
            elif not data.get("entity"):
                self.add_error("entity", "Name the entity (e.g. World).")
            elif not SeriesPoint.objects.filter(series=data["series"], entity=data["entity"]).exists():
                self.add_error("entity", f"“{data['entity']}” has no values in that series.")
        # Keep only what the chosen metric uses, so the stored test says exactly what it measures.
        if kind == Kind.SERIES_LATEST:
            data["benchmark"], data["attribute"] = None, ""
        else:
            data["series"], data["entity"] = None, ""
        return data

    def clean_threshold(self):
        value = self.cleaned_data["threshold"]
        if value is not None and (value != value or value in (float("inf"), float("-inf"))):
            raise ValidationError("Give a finite number.")
        return value
