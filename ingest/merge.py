"""Field-level merge: which payload's value a stored field keeps.

Every stored field remembers the run that set it (``provenance["fields"][name] = run id``).
A run offering a value for that field replaces it only if the run's *stamp* is at least
the owner's stamp, where a stamp orders payloads by

1. the data's own as-of date (``IngestRun.as_of``, see ``ingest.asof``): newer data wins;
2. the source's declared precedence (``IngestRun.precedence``) when the dates are equal;
3. the source slug, only so that two sources of equal date and precedence still give the
   same result in any order (never reached by the bundled sources).

An empty offered value (None or "") never replaces anything: a missing column or an
empty cell says "this export does not know", not "the value is gone". False is not empty:
connectors give None for a flag they do not know (see ``values.flag``), so an explicit
False from newer-or-equal data clears a True like any other value. The result is the
value of the highest stamp that offered one, whatever order the runs came in; that is what
makes ingest order-independent. A value the run could not set because the stored one is
newer (or outranks it) is recorded as a conflict, never silently dropped.

A stored record's provenance is never changed in place, only replaced by a new dict:
records loaded with the same provenance text share one decoded value (ingest.stored).

Records are never deleted: a record that a source carried before and no longer does is
reported in the diff as disappeared, and the source's mark on it is removed.
"""

import dataclasses
import datetime as dt

from django.db import models

from .models import IngestRun

_EPOCH = dt.datetime(1, 1, 1, tzinfo=dt.UTC)


@dataclasses.dataclass(frozen=True, order=True)
class Stamp:
    as_of: dt.datetime
    precedence: int
    source: str

    @classmethod
    def of_run(cls, run: IngestRun) -> "Stamp":
        return cls(run.as_of or _EPOCH, run.precedence, run.source.slug)


# A field with no recorded owner (stored before provenance existed) yields to any run.
UNOWNED = Stamp(_EPOCH, -(2**15), "")


def is_empty(value) -> bool:
    return value is None or value == "" or value == []


def owner_stamps(objects: list[models.Model]) -> dict[int, Stamp]:
    """{run id: Stamp} for every run that owns a field of ``objects``, in one query per 5000 runs."""
    ids = {rid for obj in objects for rid in (obj.provenance or {}).get("fields", {}).values()}
    ids = sorted(ids)
    stamps = {}
    for start in range(0, len(ids), 5000):
        for run_id, as_of, precedence, slug in IngestRun.objects.filter(pk__in=ids[start : start + 5000]).order_by().values_list(
            "pk", "as_of", "precedence", "source__slug"
        ):
            stamps[run_id] = Stamp(as_of or _EPOCH, precedence, slug)
    return stamps


@dataclasses.dataclass
class FieldDecision:
    field: str
    before: object
    after: object
    replaced: bool
    # Set when the run offered a different value and lost: why it lost.
    conflict: str = ""


@dataclasses.dataclass
class Merged:
    """What ``merge_record`` did to one stored record."""

    decisions: list[FieldDecision]
    provenance_changed: bool
    # For the hold rule (see DiffRecorder): the row's fields that have an owner once merged,
    # and those of them the row leaves empty although this same source had set them.
    compared: int
    blanked: int


class Merger:
    """Applies rows of one run to stored records, field by field (``merge``).

    Whether this run's stamp outranks a field's owner is worked out once per owning run,
    not once per field: a run compares against the few runs that set the stored values.
    """

    def __init__(self, stamp: Stamp, run_id: int, owners: dict[int, Stamp], key_fields: tuple):
        self.stamp, self.run_id, self.owners, self.key_fields = stamp, run_id, owners, key_fields
        # {owner run id or None: does this run's stamp reach it}; None is a field nobody owns.
        self._wins: dict[int | None, bool] = {None: stamp >= UNOWNED}
        self._reasons: dict[int | None, str] = {}
        # Provenances this run built, one per distinct result, shared by the records that get
        # it (safe: provenance is never changed in place). The bulk writes encode each
        # distinct value once (ingest.bulk_sql), and json.dumps of every record's provenance
        # was a tenth of a merge run's own CPU time.
        self._created: dict[tuple, dict] = {}
        self._marked: dict[int, tuple[dict, dict]] = {}

    def _outranks(self, owner_id) -> bool:
        wins = self._wins.get(owner_id)
        if wins is None:
            wins = self._wins[owner_id] = self.stamp >= self.owners.get(owner_id, UNOWNED)
        return wins

    def merge(self, obj, row: dict) -> Merged:
        """Apply ``row`` to ``obj``.

        Equal values still move the field's ownership to a higher stamp: otherwise a payload
        ranked between the two could later overwrite a value that the higher one confirmed.
        The hold rule's counts come out of the same pass over the row, so the row is read once.
        """
        provenance = obj.provenance or {}
        stored = provenance.get("fields", {})
        fields = None  # copied on the first ownership move: most rows of a re-run move none
        run_id, key_fields, slug = self.run_id, self.key_fields, self.stamp.source
        decisions, compared, blanked = [], 0, 0
        for name, value in row.items():
            if name in key_fields:
                continue
            owner_id = stored.get(name)
            if value is None or value == "" or value == []:  # is_empty, inlined: this runs for every cell
                if owner_id is not None:
                    compared += 1
                    owner = self.owners.get(owner_id)
                    if owner is not None and owner.source == slug:
                        blanked += 1
                continue
            current = getattr(obj, name)
            if self._outranks(owner_id):
                compared += 1
                if current != value:
                    decisions.append(FieldDecision(name, current, value, True))
                    setattr(obj, name, value)
                if owner_id != run_id:
                    if fields is None:
                        fields = dict(stored)
                    fields[name] = run_id
            else:
                if owner_id is not None:
                    compared += 1
                if current != value:
                    decisions.append(FieldDecision(name, current, value, False, self._why(owner_id)))
        if fields is not None:
            obj.provenance = {**provenance, "fields": fields}
        return Merged(decisions, fields is not None, compared, blanked)

    def created_provenance(self, row: dict) -> dict:
        """The provenance of a record this run creates from ``row``: it owns every value the row offers."""
        key_fields = self.key_fields
        offered = tuple(name for name, value in row.items()
                        if name not in key_fields and not (value is None or value == "" or value == []))
        provenance = self._created.get(offered)
        if provenance is None:
            provenance = self._created[offered] = {"fields": dict.fromkeys(offered, self.run_id),
                                                   "carried_by": {self.stamp.source: self.run_id}}
        return provenance

    def mark_carried(self, obj) -> bool:
        """``mark_carried`` for this run's source; records that had the same provenance share the marked one."""
        provenance = obj.provenance or {}
        if self.stamp.source in provenance.get("carried_by", {}):
            return False
        # Keyed by identity, the original kept alongside so its id cannot be reused meanwhile.
        marked = self._marked.get(id(provenance))
        if marked is None or marked[0] is not provenance:
            mark_carried(obj, self.stamp.source, self.run_id)
            self._marked[id(provenance)] = (provenance, obj.provenance)
        else:
            obj.provenance = marked[1]
        return True

    def _why(self, owner_id) -> str:
        # The reason depends on the owning run alone: worked out once per owner, like _outranks.
        why = self._reasons.get(owner_id)
        if why is None:
            owner, stamp = self.owners.get(owner_id, UNOWNED), self.stamp
            if owner.as_of > stamp.as_of:
                why = f"the stored value is from newer data ({owner.as_of:%Y-%m-%d} over {stamp.as_of:%Y-%m-%d})"
            else:
                why = f"equal as-of date; {owner.source} takes precedence over {stamp.source}"
            self._reasons[owner_id] = why
        return why


def mark_carried(obj, slug: str, run_id: int) -> bool:
    provenance = obj.provenance or {}
    carried = provenance.get("carried_by", {})
    if slug in carried:
        return False
    obj.provenance = {**provenance, "carried_by": {**carried, slug: run_id}}
    return True


def unmark_carried(obj, slug: str) -> None:
    provenance = dict(obj.provenance or {})
    carried = dict(provenance.get("carried_by", {}))
    carried.pop(slug, None)
    provenance["carried_by"] = carried
    obj.provenance = provenance
