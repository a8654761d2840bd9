"""As-of dates: how new a payload's data is, as opposed to when we fetched it.

The rule, recorded on every run (``IngestRun.as_of_rule``):

1. the newest date inside the data: a "Last modified" column, else publication or release
   dates (whichever is newest), capped at the fetch time so a future-dated row cannot make
   a payload look newer than it can be;
2. else the HTTP ``Last-Modified`` header of the response;
3. else the fetch time.

Pages say "Data as of" for the newest such date over the good runs (``data_as_of``) and
label the fetch time separately (``last_fetched``).
"""

import datetime as dt
from email.utils import parsedate_to_datetime

from django.db.models import Max
from django.utils import timezone


def as_datetime(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else value.replace(tzinfo=dt.UTC)
    return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)


def http_last_modified(header: str) -> dt.datetime | None:
    if not header:
        return None
    try:
        return as_datetime(parsedate_to_datetime(header))
    except (TypeError, ValueError, IndexError):
        return None  # a malformed header is no date at all


def fallback(last_modified_header: str, fetched_at: dt.datetime) -> tuple[dt.datetime, str]:
    """The as-of date when the data itself carries none."""
    header = http_last_modified(last_modified_header)
    if header is not None:
        return min(header, fetched_at), "HTTP Last-Modified"
    return fetched_at, "fetch time"


def payload_as_of(newest: tuple | None, fallback_as_of: tuple) -> tuple[dt.datetime, str]:
    """``newest`` is (datetime, column) of the newest date seen in the data, or None."""
    fetched_at = fallback_as_of[0] if fallback_as_of[1] == "fetch time" else timezone.now()
    if newest is not None:
        when, column = newest
        return min(when, fetched_at), f"newest {column!r} in the data"[:200]
    return fallback_as_of


def data_as_of(runs=None) -> dt.datetime | None:
    """The newest as-of date over good runs: what "Data as of" means on every page."""
    from .models import IngestRun

    runs = IngestRun.objects.all() if runs is None else runs
    return runs.filter(status__in=IngestRun.GOOD).aggregate(newest=Max("as_of"))["newest"]


def last_fetched(runs=None) -> dt.datetime | None:
    """When we last read a payload successfully: shown apart from the data's own date."""
    from .models import IngestRun

    runs = IngestRun.objects.all() if runs is None else runs
    return runs.filter(status__in=IngestRun.GOOD).aggregate(last=Max("finished_at"))["last"]
