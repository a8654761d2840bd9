"""The topic select of the timeline's filters, read once per claims generation.

A ModelChoiceField renders its select by iterating its queryset: on PostgreSQL a server-side
cursor (DECLARE, FETCH, CLOSE) on every request, the only query a warm timeline ran. Topic
edits advance the claims generation (claims/generation.py), so the cached list follows them.
"""

from django.core.cache import cache

from .generation import claims_generation
from .models import Topic


def topic_choices(empty_label="All topics") -> list[tuple[str, str]]:
    def load():
        return list(Topic.objects.order_by("name").values_list("slug", "name"))

    return [("", empty_label)] + cache.get_or_set(f"topic-choices:v1:{claims_generation()}", load, 24 * 3600)
