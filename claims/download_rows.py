"""Each claim's line of the browse downloads (/claims.csv, /claims.json), stored ready to send.

Rendering a download of 30,000 of 100,000 claims row by row (a dict per row, the csv writer,
json.dumps) cost 370 ms; with every claim's CSV line and JSON object kept as text here, a
download reads ready text by claim id, a chunk at a time, and joins it. The text is exactly what browse_record() below
renders, split around the permalink, which depends on the request's host:
``head + permalink + tail``. The measure columns are not stored: reader/downloads.py appends
them (claims must not import measures, and an ingest re-check rewrites every measure's
``last_checked`` in bulk).

Kept exact after every edit, two ways:

- A row is read only while the claim's ``updated`` and ``evidence_count`` are those it was built
  from (read with the claims' ids, compared in lines()): any save of the claim, and any change of its
  accepted evidence, makes it stale, even when a download rebuilding it races the edit.
- What a row shows of other tables (the person's name, the topics' names, the source's title
  and url, the topic links) deletes the rows of the claims concerned when it changes (the
  receivers below, inside the edit's transaction, before the save; a save that changes none of
  it leaves the rows).

A stale or missing row is rebuilt when a download reads it, a chunk at a time, and stored; an
edit that forgets many (a topic renamed) queues their rebuild on a worker too; a migration that
applies anything fills the missing ones (after_migrate), so the bench data's claims, loaded
with COPY, are complete too. Bump FORMAT when the rendering changes: rows of
another format are rebuilt, not read.
"""

import csv
import json
from collections import defaultdict
from itertools import batched

from celery import shared_task
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, models, transaction
from django.db.models.signals import m2m_changed, pre_delete, pre_save
from django.dispatch import receiver

from ingest import followups

from .dates import iso_partial_date
from .id_list import ids_in

FORMAT = 1
# Lines read, checked and (when stale) rebuilt at a time while a download streams.
CHUNK_SIZE = 1000


# --- what a line holds: the browse download's claim columns, rendered from plain rows ---------

CLAIM_COLUMNS = [
    "slug",
    "title",
    "statement",
    "quote",
    "person",
    "date_made",
    "date_precision",
    "kind",
    "status",
    "topics",
    "source_title",
    "source_url",
    "permalink",
    "updated",
]
# The browse downloads add what a reader of a list needs to judge each claim without
# opening it; the single-claim downloads carry these in their own richer form.
BROWSE_CLAIM_COLUMNS = [*CLAIM_COLUMNS, "status_label", "verdict_rationale", "evidence_count"]
BROWSE_VALUES = (
    "pk", "slug", "title", "statement", "quote", "person__name", "date_made", "date_precision", "kind", "status",
    "source__title", "source__url", "updated", "verdict_rationale", "evidence_count",
)


def iso_or_blank(value) -> str:
    """A date or time as ISO text, or "" when there is none: how every download writes one."""
    return value.isoformat() if value else ""


def browse_values(claims):
    """The plain rows browse_record() reads, several times faster per row than Claim objects."""
    return claims.prefetch_related(None).values(*BROWSE_VALUES)


def browse_record(row, topics, permalink) -> dict:
    """BROWSE_CLAIM_COLUMNS of one browse_values() row (and its pk), ``topics`` its topic names in order."""
    from .models import Claim

    status_labels = dict(Claim.Status.choices)
    return {
        "pk": row["pk"],
        "slug": row["slug"],
        "title": row["title"],
        "statement": row["statement"],
        "quote": row["quote"],
        "person": row["person__name"] or "",
        "date_made": iso_partial_date(row["date_made"], row["date_precision"]),
        "date_precision": row["date_precision"],
        "kind": row["kind"],
        "status": row["status"],
        "topics": topics,
        "source_title": row["source__title"] or "",
        "source_url": row["source__url"] or "",
        "permalink": permalink,
        "updated": iso_or_blank(row["updated"]),
        "status_label": status_labels.get(row["status"], row["status"]),
        "verdict_rationale": row["verdict_rationale"],
        "evidence_count": row["evidence_count"],
    }


def csv_cells(record, columns):
    return [("; ".join(v) if isinstance(v, list) else v) for v in (record.get(c, "") for c in columns)]


class DownloadRow(models.Model):
    """One claim's browse-download line in both formats, without its measure columns."""

    claim = models.OneToOneField("claims.Claim", primary_key=True, on_delete=models.CASCADE,
                                 related_name="download_row")
    format = models.PositiveSmallIntegerField(default=FORMAT)
    # What the text was built from, compared with the claim's own columns when it is read.
    claim_updated = models.DateTimeField()
    evidence_count = models.PositiveIntegerField()
    csv_head = models.TextField()
    csv_tail = models.TextField()
    json_head = models.TextField()
    json_tail = models.TextField()

    class Meta:
        app_label = "claims"

    def __str__(self):
        return f"download row of claim {self.claim_id}"


FIELDS = {fmt: (f"{fmt}_head", f"{fmt}_tail") for fmt in ("csv", "json")}
# Read with the ids, from the claims' rows the filters visit anyway: the slug, and the columns
# a stored line must match.
_CLAIM_COLUMNS = ("pk", "slug", "updated", "evidence_count")
_STORED_COLUMNS = ("claim_id", "format", "claim_updated", "evidence_count")


class _Line:
    """csv.writer wants a file; this one hands each line back instead of storing it."""

    def write(self, value):
        return value


_WRITER = csv.writer(_Line())


def csv_part(cells) -> str:
    # Cells are quoted one by one (QUOTE_MINIMAL), so the cells of a line are the line's parts
    # joined by commas; an unquoted cell never holds a line break, so only the terminator goes.
    return _WRITER.writerow(cells).removesuffix("\r\n")


def json_members(record: dict) -> str:
    """json.dumps(record) without its braces: the members, as the whole object writes them."""
    return json.dumps(record, ensure_ascii=False)[1:-1]


def render(record: dict, columns: list[str], *, claim_updated, evidence_count) -> DownloadRow:
    """The stored row of one browse record (browse_record(), without its permalink).

    ``columns`` are BROWSE_CLAIM_COLUMNS; the permalink is one of them, never the first or
    last. A permalink is the site's origin and /claims/<slug>/ (slugs and validated hosts need
    no CSV quoting and no JSON escape), so the line is head + permalink + tail byte for byte.
    """
    at = columns.index("permalink")
    before, after = columns[:at], columns[at + 1:]
    return DownloadRow(
        claim_id=record["pk"], format=FORMAT, claim_updated=claim_updated, evidence_count=evidence_count,
        csv_head=csv_part(csv_cells(record, before)) + ",",
        csv_tail="," + csv_part(csv_cells(record, after)),
        json_head="{" + json_members({c: record[c] for c in before}) + ', "permalink": "',
        json_tail='", ' + json_members({c: record[c] for c in after}),
    )


def build(ids) -> dict[int, DownloadRow]:
    """Render and store the rows of the claims ``ids`` (three queries; two when none is left)."""
    from .models import Claim

    ids = list(ids)
    if not ids:
        return {}
    topics = defaultdict(list)
    through = Claim.topics.through
    links = through.objects.filter(ids_in(through, "claim_id", ids)).order_by("topic__name")
    for claim_id, name in links.values_list("claim_id", "topic__name"):
        topics[claim_id].append(name)
    rows = {}
    for values in browse_values(Claim.objects.filter(ids_in(Claim, "id", ids))):
        record = browse_record(values, topics.get(values["pk"], []), None)
        rows[values["pk"]] = render(record, BROWSE_CLAIM_COLUMNS, claim_updated=values["updated"],
                                    evidence_count=values["evidence_count"])
    _store(list(rows.values()))
    return rows


def _store(rows) -> None:
    fields = ["format", "claim_updated", "evidence_count", *FIELDS["csv"], *FIELDS["json"]]
    try:
        # A savepoint: a claim deleted meanwhile fails its row's foreign key, not the download.
        with transaction.atomic():
            DownloadRow.objects.bulk_create(rows, update_conflicts=True, unique_fields=["claim"],
                                            update_fields=fields, batch_size=500)
    except IntegrityError:
        pass  # the rows are still sent; the next download builds them again


def lines(ids, fmt: str, permalink):
    """The claims ``ids`` in that order, as chunks (lists) of (claim pk, its line without the
    measure columns), read as the caller iterates (the stream of the response): per chunk one
    query of the claims' slugs and freshness columns by id, one of their stored lines, and the
    stale or missing ones rebuilt (build()). ``permalink(slug)`` is the request's absolute URL
    of a claim. The ids are worked out before, so a download with bad filters fails before its
    first byte (reader/downloads.py).
    """
    return _lines(list(ids), FIELDS[fmt], permalink)


def _lines(ids, fields, permalink):
    from .models import Claim

    for ids_chunk in batched(ids, CHUNK_SIZE):
        read = Claim.objects.filter(ids_in(Claim, "id", ids_chunk)).order_by().values_list(*_CLAIM_COLUMNS)
        by_id = {row[0]: row for row in read}
        chunk = [by_id[pk] for pk in ids_chunk if pk in by_id]  # a claim deleted since drops out
        held = DownloadRow.objects.filter(ids_in(DownloadRow, "claim_id", [c[0] for c in chunk])).order_by()
        stored = {row[0]: row for row in held.values_list(*_STORED_COLUMNS, *fields)}
        stale = {pk for pk, _, updated, evidence_count in chunk
                 if (stored.get(pk) or (None,) * 4)[1:4] != (FORMAT, updated, evidence_count)}
        rebuilt = build(stale)
        out = []
        for pk, slug, _, _ in chunk:
            if pk in stale:
                found = rebuilt.get(pk)
                if found is None:
                    continue  # deleted since its id was read
                head, tail = (getattr(found, f) for f in fields)
            else:
                head, tail = stored[pk][4:]
            out.append((pk, head + permalink(slug) + tail))
        if out:  # never an empty chunk: the JSON writer puts a separator before each
            yield out


def pieces(ids, fmt: str, permalink: tuple[str, str], *, separator: str, ending: str, marked: tuple[str, str]):
    """The claims ``ids`` in that order, as chunks (lists) of pieces ``(text, pk)``, on
    PostgreSQL: lines() with the joining done by the database.

    ``text`` is one or more whole lines joined by ``separator``; each line is head + permalink
    (``prefix + slug + suffix``) + tail, followed by ``ending`` unless it is a piece's last line
    and ``pk`` is set: that claim (a row of the table ``marked`` names, ``(table, claim column)``,
    points to it; the measures) takes its own ending from the caller. A chunk's pieces joined by
    ``separator``, each with its ending, are its lines as lines() gives them.

    Why: a download of 30,000 claims read 180,000 values through the driver and joined them in
    Python, and looked up the measures of every claim where one in five has any. Here a chunk of
    claims is one query that returns a few long strings, one for each run of claims between two
    claims with measures (about 200 a chunk): a quarter less CPU per claim, at 10k and 100k claims.

    Stale or missing lines are found by the same query (a piece of their own, ``text`` None) and
    rebuilt as lines() rebuilds them.
    """
    return _pieces(list(ids), FIELDS[fmt], permalink, separator, ending, marked)


def _pieces_sql(fields, marked) -> str:
    quote = connection.ops.quote_name
    head, tail = (quote(f) for f in fields)
    rows, claims = quote(DownloadRow._meta.db_table), quote(DownloadRow._meta.get_field("claim").related_model._meta.db_table)
    marked_table, marked_column = (quote(n) for n in marked)
    # A piece ends after a claim with measures, and a stale line is a piece of its own. The
    # chunk's claims are read by id (claims deleted since the ids were read drop out), and
    # their lines are fresh only while built from the claim as it is now. Each table is read
    # with the chunk's ids as its own filter (an index or bitmap scan of those rows) and joined
    # to the ids' order in memory: joined by id alone, PostgreSQL read every stored line to
    # hash them, and probed the measures of every claim. OFFSET 0 keeps each read whole: pushed
    # into a probe per id, the id list was searched again for every row (265 ms a chunk at 100k).
    return f"""
        WITH chunk AS (
            SELECT u.ord, c.id, c.slug,
                   (r.claim_id IS NOT NULL AND r.format = %(format)s AND r.claim_updated = c.updated
                    AND r.evidence_count = c.evidence_count) AS fresh,
                   r.{head} AS head, r.{tail} AS tail, m.claim_id IS NOT NULL AS marked
            FROM unnest(%(ids)s::bigint[]) WITH ORDINALITY AS u(id, ord)
            JOIN (SELECT id, slug, updated, evidence_count FROM {claims} WHERE id = ANY(%(ids)s::bigint[]) OFFSET 0) c
                ON c.id = u.id
            LEFT JOIN (SELECT claim_id, format, claim_updated, evidence_count, {head}, {tail} FROM {rows}
                       WHERE claim_id = ANY(%(ids)s::bigint[]) OFFSET 0) r ON r.claim_id = u.id
            LEFT JOIN (SELECT DISTINCT {marked_column} AS claim_id FROM {marked_table}
                       WHERE {marked_column} = ANY(%(ids)s::bigint[]) OFFSET 0) m ON m.claim_id = u.id
        ), flagged AS (
            SELECT *, NOT fresh OR coalesce(lag(marked OR NOT fresh) OVER (ORDER BY ord), false) AS starts
            FROM chunk
        ), grouped AS (
            SELECT *, sum(starts::int) OVER (ORDER BY ord ROWS UNBOUNDED PRECEDING) AS piece FROM flagged
        )
        SELECT bool_and(fresh),
               string_agg(CASE WHEN fresh THEN head || %(prefix)s || slug || %(suffix)s || tail
                                                || CASE WHEN marked THEN '' ELSE %(ending)s END END,
                          %(separator)s ORDER BY ord),
               bool_or(marked), (array_agg(id ORDER BY ord DESC))[1],
               CASE WHEN NOT bool_and(fresh) THEN min(slug) END
        FROM grouped GROUP BY piece ORDER BY piece
    """


def _pieces(ids, fields, permalink, separator, ending, marked):
    sql = _pieces_sql(fields, marked)
    prefix, suffix = permalink
    for chunk in batched(ids, CHUNK_SIZE):
        with connection.cursor() as cursor:
            # The ids as one array literal: adapted one by one they cost more than the query.
            cursor.execute(sql, {"format": FORMAT, "ids": "{" + ",".join(str(int(i)) for i in chunk) + "}",
                                 "prefix": prefix, "suffix": suffix, "ending": ending, "separator": separator})
            found = cursor.fetchall()
        rebuilt = build(last for fresh, _, _, last, _ in found if not fresh)
        out = []
        for fresh, text, marked, last, slug in found:
            if not fresh:
                row = rebuilt.get(last)
                if row is None:
                    continue  # deleted since its id was read
                head, tail = (getattr(row, f) for f in fields)
                text = head + prefix + slug + suffix + tail + ("" if marked else ending)
            out.append((text, last if marked else None))
        if out:  # never an empty chunk: the JSON writer puts a separator before each
            yield out


# --- what else a row shows ------------------------------------------------------------------


# Forgetting more lines than this also queues their rebuild on a worker after commit: a topic
# of 45,000 claims took 5.6 s to rebuild inside the first download after its rename.
REBUILD_ON_WORKER_ABOVE = 1000
REFILL_QUEUED = "claims:download-rows-refill-queued"


def forget(claims) -> None:
    """Delete the rows of ``claims`` (a queryset or ids): the next download, or a worker, rebuilds them."""
    deleted, _ = DownloadRow.objects.filter(claim__in=claims).delete()
    if deleted > REBUILD_ON_WORKER_ABOVE:
        followups.queue_once_per_burst(REFILL_QUEUED, refill_task)


@shared_task(acks_late=True, ignore_result=True)
def refill_task() -> int:
    followups.clear_mark(REFILL_QUEUED)
    return fill_missing()


def fill_missing() -> int:
    """Build the lines no published claim has yet, a chunk at a time; returns how many."""
    from .models import Claim

    missing = Claim.objects.published().filter(download_row__isnull=True).order_by("pk").values_list("pk", flat=True)
    built = 0
    for ids in batched(missing.iterator(chunk_size=CHUNK_SIZE), CHUNK_SIZE):
        built += len(build(ids))
    return built


def _claims_of(**lookup):
    from .models import Claim

    return Claim.objects.filter(**lookup).values("pk")


# What a line shows of each related table, and how its claims are found: a save that changes none
# of these (a person's bio, a topic's description) leaves the lines, which for a large topic are
# 45,000 rows deleted and rebuilt for nothing.
_SHOWN = {
    "claims.Person": (("name",), "person"),
    "claims.Source": (("title", "url"), "source"),
    "claims.Topic": (("name",), "topics"),
}


@receiver(pre_save, sender="claims.Person", dispatch_uid="claims.download_rows.person")
@receiver(pre_save, sender="claims.Source", dispatch_uid="claims.download_rows.source")
@receiver(pre_save, sender="claims.Topic", dispatch_uid="claims.download_rows.topic")
def _shown_row_saved(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return  # a fixture load, or a new row no claim points to yet
    fields, lookup = _SHOWN[sender._meta.label]
    before = sender._base_manager.filter(pk=instance.pk).values_list(*fields).first()
    if before != tuple(getattr(instance, f) for f in fields):
        forget(_claims_of(**{lookup: instance.pk}))


@receiver(pre_delete, sender="claims.Topic", dispatch_uid="claims.download_rows.topic_deleted")
def _topic_deleted(sender, instance, **kwargs):
    # Before the delete: its links go with it, and no m2m_changed is sent for them.
    forget(_claims_of(topics=instance.pk))


def _topics_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "pre_clear", "post_clear"):
        return
    if not reverse:  # claim.topics.add(...): the one claim
        forget([instance.pk])
    elif action == "pre_clear":  # topic.claims.clear(): the claims it had
        forget(_claims_of(topics=instance.pk))
    elif pk_set:  # topic.claims.add(claims...)
        forget(list(pk_set))


def connect() -> None:
    """The topic links' receiver (the through model exists once the models are loaded)."""
    from .models import Claim

    m2m_changed.connect(_topics_changed, sender=Claim.topics.through, dispatch_uid="claims.download_rows.links")


def after_migrate(sender, using, **kwargs) -> None:
    """Receiver for post_migrate: fill the rows no claim has yet (all of them after the migration
    that adds the table, or after claims were loaded in bulk). A migrate that applied nothing,
    and a flush (which empties the table), read nothing."""
    if using != DEFAULT_DB_ALIAS or not kwargs.get("plan"):
        return
    if DownloadRow._meta.db_table not in connection.introspection.table_names():
        return  # migrated back to before the table
    fill_missing()
