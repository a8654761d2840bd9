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
# Column kinds whose values psycopg returns as Django would (no from_db_value, no backend
# converter on PostgreSQL). JSONField is decoded here; a JSONField with its own decoder, or
# any other kind, goes through Django's converters.
_DRIVER_TYPES = {
    "AutoField", "BigAutoField", "SmallAutoField", "CharField", "TextField", "SlugField", "URLField", "EmailField",
    "FloatField", "IntegerField", "BigIntegerField", "SmallIntegerField", "PositiveIntegerField",
    "PositiveBigIntegerField", "PositiveSmallIntegerField", "BooleanField", "DateField", "ForeignKey", "JSONField",
}


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
        fields = model._meta.concrete_fields
        self.attnames = [f.attname for f in fields]
        self.pk = model._meta.pk.attname
        self.connection = connections[router.db_for_read(model)]
        self.vendor = self.connection.vendor
        # On PostgreSQL the driver already gives these columns' Python values, except JSON,
        # which Django's backend leaves as text for the field to decode.
        self._plain = self.vendor == "postgresql" and all(
            f.get_internal_type() in _DRIVER_TYPES and getattr(f, "decoder", None) is None for f in fields)
        self._json = [i for i, f in enumerate(fields) if f.get_internal_type() == "JSONField"]

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
        for found in self._tuples(queryset.order_by().values_list(*attnames)):
            obj = StoredRow(**dict(zip(attnames, found)))
            obj.pk = getattr(obj, pk)
            yield obj

    def _tuples(self, queryset) -> Iterable[tuple]:
        """The rows' values: fetched at once, with only the JSON decoded, where the driver gives the rest.

        Django's value iterator runs each row through its converter chain in Python, and
        decoding every row's provenance was 3.5 us a row. Provenance texts repeat (132
        distinct among 2,301 stored models: rows a run wrote whole share one), so each
        distinct text is decoded once and its rows share the value. That is safe because
        the merge never changes a provenance in place: it builds a new one (ingest.merge).
        """
        if not self._plain:
            yield from queryset
            return
        sql, params = queryset.query.sql_with_params()
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        json_columns, decoded = self._json, {}
        for row in rows:
            if json_columns:
                row = list(row)
                for index in json_columns:
                    text = row[index]
                    if text is not None:
                        value = decoded.get(text)
                        if value is None:
                            value = decoded[text] = json.loads(text)
                        row[index] = value
            yield row
