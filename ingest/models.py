import datetime as dt

from django.db import models
from django.db.models import Max, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone


class DataSourceQuerySet(models.QuerySet):
    def for_status_page(self):
        """Sources with their latest run (``latest_runs``) and last good finish, in two queries."""
        latest = IngestRun.objects.filter(source=OuterRef("pk")).order_by("-queued_at", "-id").values("pk")[:1]
        latest_ids = DataSource.objects.annotate(latest_run_id=Subquery(latest)).values("latest_run_id")
        good = [IngestRun.Status.OK, IngestRun.Status.UNCHANGED]
        return self.annotate(
            last_success_at=Max("runs__finished_at", filter=Q(runs__status__in=good)),
        ).prefetch_related(
            Prefetch("runs", queryset=IngestRun.objects.filter(pk__in=latest_ids), to_attr="latest_runs")
        ).order_by("name")


class DataSource(models.Model):
    """Where a series of ingest runs reads from: a URL (production) or a local path (bundled snapshot)."""

    class Kind(models.TextChoices):
        EPOCH_MODELS = "epoch-models", "Epoch AI models CSV"
        EPOCH_BENCHMARKS = "epoch-benchmarks", "Epoch AI benchmark runs"
        METR = "metr", "METR time horizons (YAML)"
        OWID = "owid", "Our World in Data grapher CSV"
        ARXIV = "arxiv", "arXiv API / RSS"
        FEED = "feed", "RSS or Atom feed"

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    url = models.URLField(max_length=1000, blank=True)
    path = models.CharField(max_length=500, blank=True, help_text="Local file, relative to the project root.")
    options = models.JSONField(default=dict, blank=True, help_text="Connector options, e.g. companion files.")
    publisher = models.CharField(max_length=200, blank=True)
    licence = models.CharField(max_length=200, blank=True)
    attribution = models.TextField(blank=True)
    enabled = models.BooleanField(default=True)
    interval_minutes = models.PositiveIntegerField(default=24 * 60)
    # Conditional GET state from the last successful fetch.
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    # Per-source lock: the id of the run that holds it, and since when.
    locked_by_run = models.PositiveBigIntegerField(null=True, blank=True)
    locked_at = models.DateTimeField(null=True, blank=True)

    objects = DataSourceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def location(self):
        return self.url or self.path

    def clean(self):
        # The same confinement read_path applies at run time, checked when the admin saves.
        from django.core.exceptions import ValidationError

        from .fetch import FetchError, resolve_path

        if self.path:
            try:
                resolve_path(self.path)
            except FetchError as exc:
                raise ValidationError({"path": str(exc)}) from None

    @property
    def next_run_at(self):
        if self.last_run_at is None:
            return None
        return self.last_run_at + dt.timedelta(minutes=self.interval_minutes)

    @property
    def latest_run(self):
        runs = getattr(self, "latest_runs", None)
        if runs is None:
            return self.runs.order_by("-queued_at", "-id").first()
        return runs[0] if runs else None

    def is_due(self, now=None):
        now = now or timezone.now()
        return self.enabled and (self.next_run_at is None or self.next_run_at <= now)


class IngestRun(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "pending"
        RUNNING = "running", "running"
        OK = "ok", "ok"
        UNCHANGED = "unchanged", "unchanged"
        FAILED = "failed", "failed"
        # A suspicious payload: nothing was stored; staff apply or discard it on the run page.
        HELD = "held", "held for review"
        DISCARDED = "discarded", "discarded"

    FINISHED = (Status.OK, Status.UNCHANGED, Status.FAILED, Status.HELD, Status.DISCARDED)
    GOOD = (Status.OK, Status.UNCHANGED)
    MAX_REJECTED_KEPT = 200

    source = models.ForeignKey(DataSource, on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    upstream = models.CharField(max_length=1000, blank=True, help_text="URL or path actually read.")
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    bytes = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    rejected_rows = models.JSONField(default=list, blank=True, help_text="The first rejected rows, with reasons.")
    progress = models.PositiveIntegerField(default=0, help_text="Rows processed so far.")
    total = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    # The payload's own date (see ingest.asof): what the field-level merge compares.
    as_of = models.DateTimeField(null=True, blank=True)
    as_of_rule = models.CharField(max_length=200, blank=True, help_text="Where the as-of date came from.")
    precedence = models.SmallIntegerField(default=0, help_text="Breaks ties between payloads of equal as-of date.")
    record_count = models.PositiveIntegerField(null=True, blank=True, help_text="Records the payload held.")
    # The diff, counted exactly (the stored RunChange list is bounded).
    changed_values = models.PositiveIntegerField(default=0)
    disappeared_count = models.PositiveIntegerField(default=0)
    conflict_count = models.PositiveIntegerField(default=0)
    flagged_count = models.PositiveIntegerField(default=0)
    hold_reasons = models.JSONField(default=list, blank=True)
    decided_by = models.CharField(max_length=150, blank=True, help_text="Who applied or discarded a held run.")
    decided_at = models.DateTimeField(null=True, blank=True)
    queued_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Liveness of a running run (ingest/locking.py): its worker beats while it runs; a
    # stale beat means the worker died and the run is taken back, retried once or failed.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=200, blank=True, help_text="host:pid of the process that last took the run.")
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-queued_at", "-id"]
        indexes = [models.Index(fields=["source", "-queued_at"])]

    def __str__(self):
        return f"{self.source.slug} run {self.pk} ({self.status})"

    @property
    def is_finished(self):
        return self.status in self.FINISHED

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None

    @property
    def is_held(self):
        return self.status == self.Status.HELD

    def diff_counts(self) -> dict[str, int]:
        """Exact counts of the diff (the stored lines are bounded)."""
        return {"created": self.created_count, "changed values": self.changed_values,
                "conflicts": self.conflict_count, "disappeared": self.disappeared_count,
                "flagged": self.flagged_count}

    def rows_written(self) -> dict[str, int]:
        """How many stored rows this run last wrote, per kind (provenance, read backwards)."""
        counts = {
            "AI models": self.ai_models.count(),
            "benchmark scores": self.scores.count(),
            "series points": self.points.count(),
            "feed items": self.feed_items.count(),
        }
        return {label: n for label, n in counts.items() if n}


class AIModel(models.Model):
    """A machine-learning model as listed by Epoch AI."""

    key = models.CharField(max_length=300, unique=True, help_text="Normalised model name: the upsert key.")
    name = models.CharField(max_length=300)
    organization = models.CharField(max_length=500, blank=True)
    publication_date = models.DateField(null=True, blank=True, db_index=True)
    domain = models.CharField(max_length=300, blank=True)
    task = models.CharField(max_length=500, blank=True)
    parameters = models.FloatField(null=True, blank=True)
    training_compute_flop = models.FloatField(null=True, blank=True)
    training_compute_cost_usd = models.FloatField(null=True, blank=True)
    training_power_draw_w = models.FloatField(null=True, blank=True)
    confidence = models.CharField(max_length=100, blank=True)
    accessibility = models.CharField(max_length=200, blank=True)
    country = models.CharField(max_length=300, blank=True)
    link = models.URLField(max_length=2000, blank=True)
    notable = models.BooleanField(default=False)
    # Epoch's "Frontier model" flag. Only the notable export carries it: a model no notable
    # export has listed is unknown (None), not "not frontier".
    frontier_model = models.BooleanField(null=True, blank=True, default=None)
    run = models.ForeignKey(IngestRun, on_delete=models.PROTECT, related_name="ai_models")
    # Per field, the run that set the value: {"fields": {name: run id}, "carried_by": {source slug: run id}}.
    provenance = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["-publication_date", "name"]
        verbose_name = "AI model"

    def __str__(self):
        return self.name


class Benchmark(models.Model):
    slug = models.SlugField(max_length=150, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    unit = models.CharField(max_length=50, default="fraction correct")
    higher_is_better = models.BooleanField(default=True)
    publisher = models.CharField(max_length=200, blank=True)
    licence = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class BenchmarkScore(models.Model):
    key = models.CharField(max_length=400, unique=True, help_text="Stable upstream identity: the upsert key.")
    benchmark = models.ForeignKey(Benchmark, on_delete=models.CASCADE, related_name="scores")
    model_name = models.CharField(max_length=300)
    ai_model = models.ForeignKey(AIModel, null=True, blank=True, on_delete=models.SET_NULL, related_name="scores")
    # The Epoch model this score names (AIModel.key); ai_model is linked from it after every
    # run, so the link does not depend on whether models or scores were ingested first.
    model_key = models.CharField(max_length=300, blank=True, db_index=True)
    date = models.DateField(null=True, blank=True)
    score = models.FloatField()
    stderr = models.FloatField(null=True, blank=True)
    ci_low = models.FloatField(null=True, blank=True)
    ci_high = models.FloatField(null=True, blank=True)
    source_link = models.URLField(max_length=1000, blank=True)
    # Who made the scored model, as the Epoch Capabilities Index lists it; blank elsewhere.
    organization = models.CharField(max_length=500, blank=True)
    country = models.CharField(max_length=300, blank=True)
    accessibility = models.CharField(max_length=200, blank=True)
    # Epoch's human label ("GPT-5.4 (high)") from model_versions.csv or the ECI, when it has one.
    display_name = models.CharField(max_length=300, blank=True)
    run = models.ForeignKey(IngestRun, on_delete=models.PROTECT, related_name="scores")
    # Per field, the run that set the value: {"fields": {name: run id}, "carried_by": {source slug: run id}}.
    provenance = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["benchmark", "date"]
        indexes = [models.Index(fields=["benchmark", "date"])]

    def __str__(self):
        return f"{self.model_name} on {self.benchmark}: {self.score}"


class Series(models.Model):
    """A named numeric series from a chart-style source (Our World in Data)."""

    slug = models.SlugField(max_length=200, unique=True)
    name = models.CharField(max_length=300)
    unit = models.CharField(max_length=100, blank=True)
    unit_note = models.CharField(max_length=300, blank=True, help_text="How upstream units were converted.")
    # A 'Year' column gives 1 January of that year; pages must not show it as a day.
    date_precision = models.CharField(max_length=10, choices=[("day", "day"), ("year", "year")], default="day")
    source = models.ForeignKey(DataSource, on_delete=models.CASCADE, related_name="series")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "series"

    def __str__(self):
        return self.name


class SeriesPoint(models.Model):
    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="points")
    entity = models.CharField(max_length=300)
    code = models.CharField(max_length=50, blank=True)
    # OWID's pseudo-codes (OWID_WRL, OWID_EUR ...) mark regions and the world: totals that
    # must not be summed with, or ranked against, the countries they contain.
    aggregate = models.BooleanField(default=False)
    date = models.DateField()
    value = models.FloatField()
    run = models.ForeignKey(IngestRun, on_delete=models.PROTECT, related_name="points")
    # Per field, the run that set the value: {"fields": {name: run id}, "carried_by": {source slug: run id}}.
    provenance = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["series", "entity", "date"]
        constraints = [models.UniqueConstraint(fields=["series", "entity", "date"], name="seriespoint_unique")]


class FeedItem(models.Model):
    source = models.ForeignKey(DataSource, on_delete=models.CASCADE, related_name="items")
    guid = models.CharField(max_length=1000)
    title = models.CharField(max_length=1000)
    link = models.URLField(max_length=2000, blank=True)
    summary = models.TextField(blank=True, help_text="Sanitised HTML.")
    authors = models.JSONField(default=list, blank=True)
    categories = models.JSONField(default=list, blank=True)
    arxiv_id = models.CharField(max_length=50, blank=True, db_index=True)
    published = models.DateTimeField(null=True, blank=True, db_index=True)
    updated = models.DateTimeField(null=True, blank=True)
    run = models.ForeignKey(IngestRun, on_delete=models.PROTECT, related_name="feed_items")
    # Per field, the run that set the value: {"fields": {name: run id}, "carried_by": {source slug: run id}}.
    provenance = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["-published", "-id"]
        constraints = [models.UniqueConstraint(fields=["source", "guid"], name="feeditem_unique_guid")]

    def __str__(self):
        return self.title


class RunChangeQuerySet(models.QuerySet):
    def for_run_page(self, run):
        """The lines the run page shows: flagged first, then in the order the run met them."""
        flagged_first = models.Case(models.When(flag="", then=1), default=0)
        return self.filter(run=run).order_by(flagged_first, "id")[: RunChange.PAGE_LINES]


class RunChange(models.Model):
    """One line of a run's diff: a record created, a field changed, a conflict, a record gone."""

    PAGE_LINES = 200

    class Kind(models.TextChoices):
        CREATED = "created", "created"
        CHANGED = "changed", "changed"
        CONFLICT = "conflict", "conflict (kept)"
        DISAPPEARED = "disappeared", "no longer upstream"

    class Flag(models.TextChoices):
        NONE = "", ""
        TENFOLD = "10x", "changed 10× or more"
        DATE_MOVED = "date-moved", "date moved by more than a year"
        DISAPPEARED = "disappeared", "record disappeared"

    run = models.ForeignKey(IngestRun, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    table = models.CharField(max_length=50)
    record = models.CharField(max_length=500)
    field = models.CharField(max_length=100, blank=True)
    before = models.TextField(blank=True)
    after = models.TextField(blank=True)
    note = models.CharField(max_length=300, blank=True)
    flag = models.CharField(max_length=20, choices=Flag.choices, blank=True, db_index=True)

    objects = RunChangeQuerySet.as_manager()

    class Meta:
        ordering = ["run", "id"]

    def __str__(self):
        return f"run {self.run_id} {self.kind} {self.table} {self.record} {self.field}"


class HeldPayload(models.Model):
    """The bytes a held run read (payload and companions), kept until staff apply or discard it."""

    run = models.OneToOneField(IngestRun, on_delete=models.CASCADE, related_name="held_payload")
    data = models.BinaryField()
    companions = models.JSONField(default=dict, blank=True, help_text="{name: base64 of the bytes}")
    created = models.DateTimeField(auto_now_add=True)


class Generation(models.Model):
    """A counter bumped on every commit that changes what pages derive from (see ingest/generation.py).

    Cache keys carry the counter instead of an aggregate over the data, so a warm page pays no
    query to learn whether its cached parts are still current.
    """

    name = models.CharField(max_length=50, primary_key=True)
    value = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"{self.name} generation {self.value}"


class BenchmarkSummary(models.Model):
    """Per benchmark: how many scores, the best one and the latest date, refreshed after each ingest.

    /data/ lists every benchmark with these figures; aggregating 10M scores per request would
    cost a sequential scan each time (ingest/aggregates.py keeps this table current).
    """

    benchmark = models.OneToOneField(Benchmark, on_delete=models.CASCADE, primary_key=True, related_name="summary")
    scores = models.PositiveIntegerField(default=0)
    best = models.FloatField(null=True, blank=True)
    latest = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "benchmark summaries"

    def __str__(self):
        return f"{self.benchmark}: {self.scores} scores, best {self.best}"
