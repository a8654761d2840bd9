"""Stored records as the merge reads and writes them: plain objects, loaded by key.

Not model instances: the merge only compares and sets values and hands the changed ones
to ``bulk_sql.write_fields``, and building a thousand instances (with their signals and
state) was a fifth of the time it took to load the stored rows.
"""

import json
import re
from collections.abc import Iterable
from types import SimpleNamespace

from django.db import connections, models, router
from django.db.models import F, Lookup, Q


# Values per query on SQLite, under its limit on bound parameters.
_SQLITE_CHUNK = 5000


class StoredRow(SimpleNamespace):
    """A stored record: its columns by attname, and ``pk``."""


class AnyOf(Lookup):
    """``column IN (the values)``, the values bound as one parameter (PostgreSQL).

    ``column__in`` binds one parameter per value: for the few thousand keys of a payload,
    adapting each value and splitting a query of thousands of placeholders cost more
    than reading the rows. Django's cursor quotes parameters into the statement, and an
    array is quoted value by value, so the values go as one JSON text (encoded and quoted
    in one pass each), unpacked by the server into rows of the column's type. Values
    JSON cannot carry (dates) go as an array.

    A subquery, not ``= ANY(ARRAY(subquery))``: ORed with the "carried by" test the scan
    cannot use an index, and ANY over an array that is not a constant compares each row
    with the values one by one (2,225 keys against 1,069 stored models: 20 of a run's 76
    ms of server CPU); ``IN (subquery)`` there becomes a hashed subplan, one probe a row.
    """

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        try:
            text = json.dumps(values)
        except TypeError:
            return f"{lhs} = ANY(%s)", (*lhs_params, values)
        kind = re.sub(r"\(.*\)", "", self.lhs.output_field.db_type(connection))
        return f"{lhs} IN (SELECT jsonb_array_elements_text(%s::jsonb)::{kind})", (*lhs_params, text)


class StoredRows:
    """Loads ``model``'s rows as StoredRow objects, every concrete column, unordered."""

    def __init__(self, model: type[models.Model]):
        self.model = model
        self.attnames = [f.attname for f in model._meta.concrete_fields]
        self.pk = model._meta.pk.attname
        self.vendor = connections[router.db_for_read(model)].vendor

    def load(self, field: str, values: list, *, carried_by: str | None = None) -> Iterable[StoredRow]:
        """The rows whose ``field`` is one of ``values``, and (once) those the source ``carried_by`` carried.

        The carried rows come in the same query: one scan of the table instead of a second
        one for their ids, which (with no index on the JSON) reads every row's provenance.
        """
        carried = Q(provenance__carried_by__has_key=carried_by) if carried_by else None
        if self.vendor == "postgresql":
            chunks = [values]  # one array parameter, whatever its length
        else:
            chunks = [values[start : start + _SQLITE_CHUNK] for start in range(0, len(values), _SQLITE_CHUNK)]
        for index, chunk in enumerate(chunks or [[]]):
            wanted = Q(AnyOf(F(field), chunk)) if self.vendor == "postgresql" else Q(**{f"{field}__in": chunk})
            if carried is not None and index == 0:
                wanted |= carried
            yield from self._rows(self.model.objects.filter(wanted))

    def _rows(self, queryset) -> Iterable[StoredRow]:
        attnames, pk = self.attnames, self.pk
        for found in queryset.order_by().values_list(*attnames):
            obj = StoredRow(**dict(zip(attnames, found)))
            obj.pk = getattr(obj, pk)
            yield obj
