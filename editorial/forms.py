from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.text import slugify

from claims.dates import Precision, parse_partial_date
from claims.models import Attribution, Claim, Evidence, Person, Source, Topic
from claims.query_forms import QueryForm
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


class PageForm(QueryForm):
    """GET parameters of the paged editorial lists; bad input is a 400, not a guess."""

    page = forms.IntegerField(required=False, min_value=1, max_value=100000)
    state = forms.ChoiceField(required=False, choices=[("", "any")] + list(Claim.EditorialState.choices))


class AuditFilterForm(QueryForm):
    page = forms.IntegerField(required=False, min_value=1, max_value=100000)
    action = forms.RegexField(required=False, max_length=50, regex=r"^[a-z_]+\.[a-z_]+$")


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
    quote_kind = forms.ChoiceField(
        choices=Claim.QuoteKind.choices, initial=Claim.QuoteKind.OWN_WORDS, label="Whose words",
        help_text="“Reported” when the source describes the position rather than quoting it; "
                  "it then needs the framing or an attribution below.",
    )
    framing = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Framing",
        help_text="The source's own sentence around the quote, verbatim from the source's archived text.",
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
            "quote_kind": claim.quote_kind, "framing": claim.framing,
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
        framing, source = data.get("framing", ""), data.get("source")
        # The framing is shown as the essay's own words, so it must be them: checked against
        # the archived text when there is one (a new source has none yet).
        if framing and source is not None and source.excerpt and framing not in source.excerpt:
            self.add_error("framing", "The framing must be copied exactly from the source's archived text.")
        return data

    def clean_framing(self):
        return self.cleaned_data["framing"].strip()

    def values(self) -> dict:
        data = self.cleaned_data
        made, precision = data["date_made"]
        return {
            "slug": data["slug"], "title": data["title"].strip(), "statement": data["statement"].strip(),
            "quote": data["quote"], "quote_kind": data["quote_kind"], "framing": data["framing"],
            "person": data["person"], "source": data["source"], "date_made": made,
            "date_precision": precision, "kind": data["kind"], "deadline": data["deadline"],
        }


class AttributionForm(forms.Form):
    """One source's account of who said a claim's words; a row of the claim form's formset."""

    id = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    source = forms.ModelChoiceField(queryset=Source.objects.order_by("title"), label="Source")
    attributed_to = forms.CharField(max_length=300, label="Attributed to",
                                    help_text="Who the source says said it, in its own terms.")
    person = forms.ModelChoiceField(queryset=Person.objects.order_by("name"), required=False,
                                    empty_label="(no named person)", label="Person")
    passage = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Passage",
                              help_text="The source's sentence making the attribution, verbatim.")

    def clean_attributed_to(self):
        return self.cleaned_data["attributed_to"].strip()

    def clean_passage(self):
        return self.cleaned_data["passage"].strip()


class BaseAttributionFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove this attribution"

    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            data = form.cleaned_data
            if not data or self._should_delete_form(form):
                continue
            key = (data["source"].pk, data["attributed_to"])
            if key in seen:
                raise ValidationError("Each source attributes the words to a given name once.")
            seen.add(key)

    def rows(self) -> list[dict]:
        """What claims.services saves: one dict per filled-in row, with removals flagged."""
        rows = []
        for form in self.forms:
            data = form.cleaned_data
            if not data:
                continue
            rows.append({"id": data.get("id"), "delete": self._should_delete_form(form), "source": data.get("source"),
                         "attributed_to": data.get("attributed_to", ""), "person": data.get("person"),
                         "passage": data.get("passage", "")})
        return [row for row in rows if row["id"] or not row["delete"]]


AttributionFormSet = forms.formset_factory(
    AttributionForm, formset=BaseAttributionFormSet, extra=1, can_delete=True, max_num=50, validate_max=True,
)


def attribution_formset(claim: Claim | None = None, data=None) -> BaseAttributionFormSet:
    initial = [{"id": a.pk, "source": a.source_id, "attributed_to": a.attributed_to, "person": a.person_id,
                "passage": a.passage} for a in claim.attributions.all()] if claim else []
    return AttributionFormSet(data, initial=initial, prefix="attr")


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


def _date_input():
    return forms.DateInput(attrs={"type": "date"})


class MeasureForm(forms.ModelForm):
    """Every metric kind in one validated form: what each kind needs is checked, and what it
    does not use is cleared, so a stored measure says exactly what it measures."""

    benchmark = forms.ModelChoiceField(queryset=Benchmark.objects.order_by("name"), required=False)
    series = forms.ModelChoiceField(queryset=Series.objects.order_by("name"), required=False)
    order = forms.IntegerField(required=False, min_value=0, max_value=1000, help_text="Lower comes first.")

    # Which statistics a kind offers for its threshold (blank: the metric's own value).
    STATISTICS = {
        Measure.Kind.CHANGE_SINCE: {"", "ratio", "difference", "doublings"},
        Measure.Kind.GAP: {"", "difference", "ratio"},
        Measure.Kind.GROUP_LAG: {"", "latest", "median"},
    }
    SECTIONS = (
        ("What is measured", ("description", "kind", "benchmark", "attribute", "series", "entity")),
        ("Group (lag, gap) and what it is compared with (gap)",
         ("country", "organization", "accessibility", "model_name", "other_country", "other_organization",
          "other_accessibility", "other_model_name")),
        ("Window and test", ("window_start", "window_end", "baseline_start", "baseline_end", "statistic",
                             "threshold", "comparison", "deadline", "expects")),
        ("For readers", ("rationale", "is_primary", "order", "proxy", "proxy_label")),
    )
    GROUP_FIELDS = ("country", "organization", "accessibility")
    OTHER_FIELDS = ("other_country", "other_organization", "other_accessibility")

    class Meta:
        model = Measure
        fields = ["description", "kind", "benchmark", "attribute", "series", "entity",
                  "country", "organization", "accessibility", "model_name",
                  "other_country", "other_organization", "other_accessibility", "other_model_name",
                  "window_start", "window_end", "baseline_start", "baseline_end", "statistic",
                  "threshold", "comparison", "deadline", "expects", "rationale",
                  "is_primary", "order", "proxy", "proxy_label"]
        widgets = {name: _date_input() for name in ("window_start", "window_end", "baseline_start", "baseline_end",
                                                      "deadline")}
        help_texts = {
            "threshold": "Optional (required for a projected crossing). A number; 1e25 is fine.",
            "expects": "Which outcome bears the claim out.",
            "window_start": "Change since: from this date (default: the claim's date). Growth, lag, crossing: "
                            "records from this date.",
            "window_end": "Optional: measure as of this date instead of today.",
            "baseline_start": "Growth rate only: an earlier window to compare with (the value becomes the speed-up).",
            "deadline": "Optional. Only data dated on or before it counts.",
        }

    def sections(self):
        """[(legend, [bound fields])] for the template's fieldsets."""
        return [(legend, [self[name] for name in names]) for legend, names in self.SECTIONS]

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        Kind = Measure.Kind
        if not kind:
            return data
        target = [name for name in ("benchmark", "attribute", "series") if data.get(name)]
        if kind == Kind.SERIES_LATEST:
            if not data.get("series"):
                self.add_error("series", "Choose the series.")
            elif not data.get("entity"):
                self.add_error("entity", "Name the entity (e.g. World).")
            elif not SeriesPoint.objects.filter(series=data["series"], entity=data["entity"]).exists():
                self.add_error("entity", f"“{data['entity']}” has no values in that series.")
        elif len(target) != 1 or target == ["series"] and kind in (Kind.GROUP_LAG, Kind.GAP):
            self.add_error("benchmark", "Choose one benchmark or one model attribute whose frontier is measured.")
        elif data.get("series") and not data.get("entity"):
            self.add_error("entity", "Name the series entity.")
        group = [data.get(name) for name in self.GROUP_FIELDS]
        if kind == Kind.GROUP_LAG and not any(group):
            self.add_error("country", "A lag needs a group: a country, an organisation or an accessibility.")
        if kind == Kind.GAP:
            named = data.get("model_name"), data.get("other_model_name")
            if any(named) and not all(named):
                self.add_error("other_model_name", "A gap between models names both models.")
            elif not any(named) and not any(group):
                self.add_error("country", "A gap needs a group (or two named models) to compare with the other.")
        if kind == Kind.PROJECTED_CROSSING and data.get("threshold") is None:
            self.add_error("threshold", "A projected crossing needs the threshold to cross.")
        for start, end in (("window_start", "window_end"), ("baseline_start", "baseline_end")):
            if data.get(start) and data.get(end) and data[start] > data[end]:
                self.add_error(end, "The end comes before the start.")
        if kind == Kind.GROWTH_RATE and data.get("baseline_start") and not data.get("baseline_end"):
            self.add_error("baseline_end", "Give the end of the earlier window.")
        if data.get("baseline_end") and data.get("window_start") and data["baseline_end"] > data["window_start"]:
            self.add_error("baseline_end", "The earlier window must end by the start of the window.")
        if data.get("statistic", "") not in self.STATISTICS.get(kind, {""}):
            self.add_error("statistic", f"A {Measure.Kind(kind).label} offers no “{data['statistic']}” statistic.")
        if data.get("proxy") and not data.get("proxy_label"):
            self.add_error("proxy_label", "Say what the series stands in for, e.g. “METR horizons as a proxy”.")
        self._clear_unused(data, kind)
        return data

    def _clear_unused(self, data, kind):
        Kind = Measure.Kind
        if kind == Kind.SERIES_LATEST:
            data["benchmark"], data["attribute"] = None, ""
        elif not data.get("series"):
            data["entity"] = ""
        if kind not in (Kind.GROUP_LAG, Kind.GAP):
            for name in (*self.GROUP_FIELDS, "model_name"):
                data[name] = ""
        if kind != Kind.GAP:
            for name in (*self.OTHER_FIELDS, "other_model_name"):
                data[name] = ""
        if kind != Kind.GROWTH_RATE:
            data["baseline_start"] = data["baseline_end"] = None
        if not data.get("proxy"):
            data["proxy_label"] = ""

    def clean_order(self):
        return self.cleaned_data["order"] or 0

    def clean_threshold(self):
        value = self.cleaned_data["threshold"]
        if value is not None and (value != value or value in (float("inf"), float("-inf"))):
            raise ValidationError("Give a finite number.")
        return value
