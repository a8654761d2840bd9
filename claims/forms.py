from django import forms
from django.db.models import Exists, F, OuterRef

from .models import Claim
from .query_forms import QueryForm

# Each ends with the pk: claims with the same date and title keep one order, which a keyset page
# (claims/pagination.py) relies on.
SORTS = {
    "date": ("date made, newest first", [F("date_made").desc(nulls_last=True), "title", "pk"]),
    "oldest": ("date made, oldest first", [F("date_made").asc(nulls_last=True), "title", "pk"]),
    "updated": ("recently updated", ["-updated", "title", "pk"]),
    "evidence": ("most evidence", ["-evidence_count", F("date_made").desc(nulls_last=True), "title", "pk"]),
}
YEAR_UNKNOWN = "unknown"
PERSON_NONE = "none"  # the essays' own claims: no person made them
# The facet table's column for each facet (None filters as IS NULL).
FACET_COLUMNS = {"topic": "topic_id", "person": "person_id", "status": "status", "kind": "kind", "year": "year"}


class BrowseForm(QueryForm):
    """GET filters for /claims/ (and its feeds and downloads). Invalid values are a 400."""

    q = forms.CharField(required=False, max_length=200, strip=True)
    topic = forms.SlugField(required=False, max_length=100)
    person = forms.SlugField(required=False, max_length=100)
    status = forms.ChoiceField(required=False, choices=[("", "any")] + list(Claim.Status.choices))
    kind = forms.ChoiceField(required=False, choices=[("", "any")] + list(Claim.Kind.choices))
    # [0-9], not \d: \d also matches Arabic-Indic, fullwidth and mathematical digits,
    # which int() accepts and the database then cannot use.
    year = forms.RegexField(required=False, regex=r"^([0-9]{4}|unknown)$", max_length=7,
                            error_messages={"invalid": "year must be four digits or 'unknown'."})
    sort = forms.ChoiceField(required=False, choices=[("", "default")] + [(k, v[0]) for k, v in SORTS.items()])
    page = forms.IntegerField(required=False, min_value=1, max_value=100000)
    after = forms.CharField(required=False, max_length=500)  # a next link's cursor (claims/pagination.py)

    FACETS = ("topic", "person", "status", "kind", "year")

    def clean_year(self):
        year = self.cleaned_data.get("year") or ""
        if year not in ("", YEAR_UNKNOWN) and int(year) < 1:
            raise forms.ValidationError("year must be between 0001 and 9999.")
        return year

    def clean(self):
        # An unknown topic or person is a mistake in the URL, not an empty result.
        from .models import Person, Topic

        data = super().clean()
        # The ids, kept for the facet table's counts (claims/browse.py): the same one query a slug check costs.
        self.ids = {}
        for name, model in (("topic", Topic), ("person", Person)):
            if data.get(name) and not (name == "person" and data[name] == PERSON_NONE):
                self.ids[name] = model.objects.filter(slug=data[name]).values_list("pk", flat=True).first()
                if self.ids[name] is None:
                    self.add_error(name, f"no such {name} {data[name]!r}.")
        return data

    def facet_values(self) -> dict:
        """The facet filters as the facet table holds them: topic and person ids, the year as a
        number (None: no person, or no date)."""
        data, ids = self.cleaned_data, getattr(self, "ids", {})
        values = {"topic": ids.get("topic"), "status": data.get("status") or None, "kind": data.get("kind") or None}
        values = {name: value for name, value in values.items() if value is not None}
        if data.get("person") and (data["person"] == PERSON_NONE or ids.get("person")):
            values["person"] = None if data["person"] == PERSON_NONE else ids["person"]
        if data.get("year"):
            values["year"] = None if data["year"] == YEAR_UNKNOWN else int(data["year"])
        return values

    def filter(self, queryset, *, skip: str | None = None):
        """Apply every filter except ``skip`` to a queryset of claims.

        On the claims table's own columns (the year as a date range), not a semi-join on the
        facet table: a LIMIT over the sort index then knows where the year's claims lie, where a
        semi-join made PostgreSQL walk 75k index entries to reach 2008 (515 ms at 100k).
        """
        data = self.cleaned_data
        if data.get("q"):
            from .search import search_claims

            queryset = search_claims(queryset, data["q"])
        facets = {name: value for name, value in self.facet_values().items() if name != skip}
        if "topic" in facets:
            queryset = queryset.filter(topics=facets["topic"])
        if "person" in facets:
            queryset = queryset.filter(person=facets["person"])  # None: no person
        for name in ("status", "kind"):
            if name in facets:
                queryset = queryset.filter(**{name: facets[name]})
        if "year" in facets:
            year = facets["year"]
            queryset = queryset.filter(date_made__isnull=True) if year is None else queryset.filter(date_made__year=year)
        return queryset

    def sorted(self, queryset):
        key = self.cleaned_data.get("sort") or ("" if self.cleaned_data.get("q") else "date")
        if not key:
            return queryset  # relevance order from search
        return queryset.order_by(*SORTS[key][1])

    def active_filters(self):
        return {k: self.cleaned_data[k] for k in (*self.FACETS, "q") if self.cleaned_data.get(k)}

    # Where in the matches, not which claims match: left out of the match count's cache key.
    PLACE = ("page", "sort", "after", "part")

    def counted_filters(self) -> dict:
        """What the number of matching claims depends on (claims.pagination's count key)."""
        return {k: v for k, v in self.cleaned_data.items() if k not in self.PLACE}

class BrowseDownloadForm(BrowseForm):
    """The browse filters of /claims.csv and /claims.json, and which part of the matches a file holds."""

    part = forms.IntegerField(required=False, min_value=1, max_value=100000)


class TimelineForm(QueryForm):
    """GET filters for /timeline/: claims by topic and person, data events on or off."""

    topic = forms.ModelChoiceField(
        queryset=None, required=False, to_field_name="slug", empty_label="All topics",
        error_messages={"invalid_choice": "no such topic."},
    )
    person = forms.ModelChoiceField(
        queryset=None, required=False, to_field_name="slug", empty_label="All people",
        error_messages={"invalid_choice": "no such person."},
    )
    show = forms.ChoiceField(
        required=False, choices=[("all", "Claims and data events"), ("claims", "Claims only")], initial="all"
    )
    lanes = forms.ChoiceField(required=False, choices=[("person", "By person"), ("topic", "By topic")],
                              initial="person", label="Claim lanes")

    def __init__(self, *args, **kwargs):
        from .models import Person, Topic

        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = Topic.objects.order_by("name")
        # A semi-join: the slug's person is checked for one claim, not joined to all of theirs and made DISTINCT.
        self.fields["person"].queryset = Person.objects.filter(
            Exists(Claim.objects.filter(person=OuterRef("pk")))).order_by("name")

    def full_clean(self):
        # The select offers the most prolific people only (any slug still validates): after
        # cleaning, so the selected person, whoever it is, stays selected.
        from .people_choices import person_choices
        from .topic_choices import topic_choices

        super().full_clean()
        selected = getattr(self, "cleaned_data", {}).get("person")
        self.fields["person"].widget.choices = person_choices(selected)
        self.fields["topic"].widget.choices = topic_choices()
