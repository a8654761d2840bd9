"""The person select of filter forms, bounded: the most prolific people, not all of them.

At 100k claims the timeline's select listed 5,000 people. It now offers the TOP people by
published claims (and whoever is selected); any person's slug is still accepted in the URL,
and /people/ lists everyone. The list is cached per claims generation.
"""

from django.core.cache import cache
from django.db.models import Count

from .generation import claims_generation
from .models import Claim

TOP = 50


def top_people(limit: int = TOP) -> list[tuple[str, str]]:
    """(slug, name) of the people with the most published claims, most first (1 query, cached)."""

    def load():
        rows = (Claim.objects.published().filter(person__isnull=False).order_by()
                .values_list("person__slug", "person__name").annotate(n=Count("id"))
                .order_by("-n", "person__name")[:limit])
        return [(slug, name) for slug, name, _ in rows]

    return cache.get_or_set(f"top-people:v1:{claims_generation()}:{limit}", load, 24 * 3600)


def person_choices(selected=None, empty_label="All people") -> list[tuple[str, str]]:
    choices = top_people()
    if selected is not None and selected.slug not in {slug for slug, _ in choices}:
        choices = [(selected.slug, selected.name)] + choices
    return [("", empty_label)] + sorted(choices, key=lambda c: c[1])
