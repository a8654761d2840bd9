"""Writing many rows at once for ingest, without compiling one SQL string over all of them.

Django's bulk_create and bulk_update compile every value of every row into one SQL string;
for a few thousand rows that compiling, not the database, is most of an ingest. Here rows
go as data: on PostgreSQL through COPY for new rows and one UPDATE over unnested arrays
(one array per column) for changed ones, elsewhere through executemany (one prepared
statement, each row's values).
"""

import datetime as dt
import json
import re

import psycopg
from psycopg.types.json import Jsonb
from django.db import connections, models, router
from django.utils import timezone

# Column kinds whose values of these Python types need no conversion on any backend.
_TEXT, _INT = (str,), (int,)
_PLAIN = {
    "CharField": _TEXT, "TextField": _TEXT, "SlugField": _TEXT, "URLField": _TEXT, "EmailField": _TEXT,
    "FloatField": (float,), "IntegerField": _INT, "BigIntegerField": _INT, "PositiveIntegerField": _INT,
    "PositiveBigIntegerField": _INT, "PositiveSmallIntegerField": _INT, "SmallIntegerField": _INT,
    "BooleanField": (bool,), "ForeignKey": _INT,
}



def insert_rows(model: type[models.Model], rows: list[dict]) -> None:
    """INSERT ``rows`` ({field name or attname: value}); a field a row leaves out gets its default.

    No model instances are built and no ids are read back: nothing after an upsert needs a
    created row's id (the diff names records by their natural key, and links between
    tables are made by key after the run).
    """
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    columns = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    # Column by column, not cell by cell: where to find the value in a row, what a row that
    # leaves it out gets, and how to prepare it for the driver are worked out once per
    # column, and each column is one list comprehension over the rows.
    types = _copy_types(connection, columns)
    prepared = [_column_values(rows, column, now, connection, raw_json=types is not None) for column in columns]
    values = list(zip(*prepared))
    table, names = _names(connection, model, columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _copy(cursor, table, names, values, types)
        else:
            cursor.executemany(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(['%s'] * len(names))})",
                               values)


def write_fields(model: type[models.Model], objects: list, fields: list[str]) -> None:
    """UPDATE ``fields`` of ``objects`` by primary key."""
    if not objects:
        return
    connection = connections[router.db_for_write(model)]
    columns = [model._meta.get_field(name) for name in fields]
    prepared = [_prepared(c, connection, [getattr(obj, c.attname) for obj in objects]) for c in columns]
    prepared.append([obj.pk for obj in objects])
    table, names = _names(connection, model, columns)
    pk = connection.ops.quote_name(model._meta.pk.column)
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET {', '.join(f'{n} = %s' for n in names)} WHERE {pk} = %s",
                               list(zip(*prepared)))
        return
    # One statement, each column bound as one array and unnested into rows: a single round
    # trip, where a scratch table took six (create, copy, update, drop and the savepoint
    # around them). Bound in binary by the server, not quoted into the SQL text as Django's
    # client-side cursor would (a regular expression over every value of every array).
    # Arrays of the columns' base types ("varchar", not "varchar(300)"): an explicit cast to a
    # length would cut a long value silently, where assigning it to the column refuses it.
    types = [_TYPMOD.sub("", c.db_type(connection)) for c in [*columns, model._meta.pk]]
    arrays = ", ".join(f"%b::{kind}[]" for kind in types)
    connection.ensure_connection()
    # Django's error classes, as its own cursors raise them (DataError, IntegrityError).
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(f"UPDATE {table} SET {', '.join(f'{n} = s.{n}' for n in names)} "
                       f"FROM unnest({arrays}) AS s({', '.join([*names, pk])}) WHERE {table}.{pk} = s.{pk}",
                       prepared)


_TYPMOD = re.compile(r"\(.*\)")


def _column_values(rows: list[dict], column, now, connection, *, raw_json: bool = False) -> list:
    """``column``'s value in each row, ready for the driver; a row may name it by attname or name."""
    if getattr(column, "auto_now", False) or getattr(column, "auto_now_add", False):
        fill = now
    else:
        fill = _NO_VALUE
    attname, name = column.attname, column.name
    if attname == name:
        got = [row.get(attname, fill) for row in rows]
    else:
        got = [row.get(attname, row.get(name, fill)) for row in rows]
    if fill is _NO_VALUE:
        if callable(column.default):
            # A callable default (dict, list) gives each row that leaves the column out a
            # value of its own, as Model() would.
            got = [column.get_default() if value is _NO_VALUE else value for value in got]
        else:
            default = column.get_default()
            got = [default if value is _NO_VALUE else value for value in got]
    return _prepared(column, connection, got, raw_json=raw_json)


_NO_VALUE = object()


def _prepared(column, connection, values: list, *, raw_json: bool = False) -> list:
    """``values`` of ``column`` as the driver gets them, as get_db_prep_save would give them.

    A str, float, int or bool bound for a column of that kind, or a plain date for a date
    column, skips get_db_prep_save's chain of calls: it would only hand the value back (a
    date through the backend's own adapter), and it runs for every cell. ``raw_json``
    gives JSON values as a binary COPY's jsonb dumper takes them.
    """
    kind = column.get_internal_type()
    prepare_save = column.get_db_prep_save
    if kind in _PLAIN:
        types = _PLAIN[kind]
        return [v if v is None or type(v) in types else prepare_save(v, connection) for v in values]
    if kind == "JSONField" and column.encoder is None:
        return _json_values(values, for_copy=raw_json)
    if kind == "DateField":
        adapt = connection.ops.adapt_datefield_value
        return [None if v is None else adapt(v) if type(v) is dt.date else prepare_save(v, connection)
                for v in values]
    return [None if v is None else prepare_save(v, connection) for v in values]


def _json_values(values: list, *, for_copy: bool) -> list:
    """JSON ``values`` encoded as Django would (json.dumps), each distinct object once.

    The records of one run share their provenance dicts (ingest.merge), so a value seen
    before (the same object: ``values`` holds them all, so no id is reused meanwhile) takes
    the text already made. The text goes as a plain str, which the driver passes on at C
    speed; for a binary COPY, as the encoded bytes in a Jsonb wrapper that hands them over.
    """
    encoded, out = {}, []
    for value in values:
        if value is None:
            out.append(None)
            continue
        text = encoded.get(id(value))
        if text is None:
            text = json.dumps(value)
            text = encoded[id(value)] = Jsonb(text.encode(), dumps=_as_encoded) if for_copy else text
        out.append(text)
    return out


def _as_encoded(data: bytes) -> bytes:
    return data


def _names(connection, model, columns) -> tuple[str, list[str]]:
    quote = connection.ops.quote_name
    return quote(model._meta.db_table), [quote(c.column) for c in columns]


def _copy_types(connection, columns) -> list[int] | None:
    """The columns' type OIDs for a binary COPY, or None (not PostgreSQL, or a type the driver does not know).

    Binary rows cost less on both ends: the driver packs numbers and dates instead of
    formatting and escaping text, and the server does not parse them back.
    """
    if connection.vendor != "postgresql":
        return None
    known = psycopg.adapters.types
    oids = []
    for column in columns:
        info = known.get(_TYPMOD.sub("", column.db_type(connection)))
        if info is None:
            return None
        oids.append(info.oid)
    return oids


def _copy(cursor, table: str, names: list[str], rows: list, types: list[int] | None = None) -> None:
    binary = " (FORMAT BINARY)" if types else ""
    with cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN{binary}") as copy:
        if types:
            copy.set_types(types)
        for row in rows:
            copy.write_row(row)
