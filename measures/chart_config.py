"""Which charts a page shows when no claim decides it: the dashboard's and the data index's
charts, and optionally a topic's default chart. Editors change them in the admin; nothing in
the code names a headline benchmark or maps topics to charts."""

from django.core.exceptions import ValidationError
from django.db import models

from ingest.models import Benchmark, Series

from .series import MODEL_ATTRIBUTES, SeriesRef, ref_from_config


class FeaturedChartQuerySet(models.QuerySet):
    def on(self, place: str, topic=None):
        rows = self.filter(place=place, enabled=True)
        if topic is not None:
            rows = rows.filter(topic=topic)
        return rows.order_by("order", "id")

    def refs(self, place: str, topic=None) -> list[SeriesRef]:
        return [row.ref for row in self.on(place, topic)]


class FeaturedChart(models.Model):
    class Place(models.TextChoices):
        DASHBOARD = "dashboard", "dashboard (/)"
        DATA = "data", "data index (/data/)"
        TOPIC = "topic", "a topic page, when none of its claims is measured"

    class Kind(models.TextChoices):
        MODEL = "model", "AI model attribute (Epoch notable models)"
        BENCHMARK = "benchmark", "benchmark"
        OWID = "owid", "Our World in Data series"

    place = models.CharField(max_length=20, choices=Place.choices)
    topic = models.ForeignKey("claims.Topic", null=True, blank=True, on_delete=models.CASCADE,
                              related_name="featured_charts")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    slug = models.CharField(max_length=200, help_text="Benchmark or series slug, or the model attribute "
                            f"({', '.join(MODEL_ATTRIBUTES)}).")
    entity = models.CharField(max_length=300, blank=True, help_text="Our World in Data series only, e.g. World.")
    order = models.PositiveSmallIntegerField(default=0)
    enabled = models.BooleanField(default=True)

    objects = FeaturedChartQuerySet.as_manager()

    class Meta:
        ordering = ["place", "order", "id"]

    def __str__(self):
        return f"{self.get_place_display()}: {self.kind} {self.slug}{f' ({self.entity})' if self.entity else ''}"

    @property
    def ref(self) -> SeriesRef:
        return ref_from_config(self.kind, self.slug, self.entity)

    def clean(self):
        if (self.place == self.Place.TOPIC) != (self.topic_id is not None):
            raise ValidationError({"topic": "A topic chart names its topic; other places name none."})
        if self.kind == self.Kind.MODEL and self.slug not in MODEL_ATTRIBUTES:
            raise ValidationError({"slug": f"Choose one of {', '.join(MODEL_ATTRIBUTES)}."})
        if self.kind == self.Kind.BENCHMARK and not Benchmark.objects.filter(slug=self.slug).exists():
            raise ValidationError({"slug": f"No benchmark “{self.slug}” has been ingested."})
        if self.kind == self.Kind.OWID and not Series.objects.filter(slug=self.slug).exists():
            raise ValidationError({"slug": f"No series “{self.slug}” has been ingested."})
        if self.entity and self.kind != self.Kind.OWID:
            raise ValidationError({"entity": "Only Our World in Data series have entities."})
