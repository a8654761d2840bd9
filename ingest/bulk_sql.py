"""Writing many rows at once for ingest, without compiling one SQL string over all of them.

Django's bulk_create and bulk_update compile every value of every row into one SQL string;
for a few thousand rows that compiling, not the database, is most of an ingest. Here rows
go as data: on PostgreSQL through COPY (straight into the table for new rows, into a
temporary table joined by id for changed ones), elsewhere through executemany (one
prepared statement, each row's values).
"""

import datetime as dt

from django.db import connections, models, router, transaction
from django.utils import timezone

# Column kinds whose values of these Python types need no conversion on any backend.
_TEXT, _INT = (str,), (int,)
_PLAIN = {
    "CharField": _TEXT, "TextField": _TEXT, "SlugField": _TEXT, "URLField": _TEXT, "EmailField": _TEXT,
    "FloatField": (float,), "IntegerField": _INT, "BigIntegerField": _INT, "PositiveIntegerField": _INT,
    "PositiveBigIntegerField": _INT, "PositiveSmallIntegerField": _INT, "SmallIntegerField": _INT,
    "BooleanField": (bool,), "ForeignKey": _INT,
}

# Dropped right after use (and on commit): two upserts in one transaction reuse the name.
_SCRATCH = "ingest_write_fields_scratch"


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
    missing = object()
    # Worked out once per column, not once per cell: where to find the value in a row,
    # what a row that leaves it out gets, and how to prepare it for the driver.
    plan = [(c.attname, c.name, now if getattr(c, "auto_now", False) or getattr(c, "auto_now_add", False) else missing,
             c, _preparer(c, connection)) for c in columns]

    def value(row, attname, name, default, column, prepare):
        got = row.get(attname, missing)
        if got is missing:
            got = row.get(name, missing)
        if got is missing:
            got = column.get_default() if default is missing else default
        return None if got is None else prepare(got)

    values = [[value(row, *step) for step in plan] for row in rows]
    table, names = _names(connection, model, columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _copy(cursor, table, names, values)
        else:
            cursor.executemany(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(['%s'] * len(names))})",
                               values)


def write_fields(model: type[models.Model], objects: list, fields: list[str]) -> None:
    """UPDATE ``fields`` of ``objects`` by primary key."""
    if not objects:
        return
    connection = connections[router.db_for_write(model)]
    columns = [model._meta.get_field(name) for name in fields]
    plan = [(c.attname, _preparer(c, connection)) for c in columns]
    rows = [[prepare(getattr(obj, attname)) for attname, prepare in plan] + [obj.pk] for obj in objects]
    table, names = _names(connection, model, columns)
    pk = connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.executemany(f"UPDATE {table} SET {', '.join(f'{n} = %s' for n in names)} WHERE {pk} = %s", rows)
            return
        # In a transaction even when called outside one: ON COMMIT DROP would otherwise drop
        # the scratch table as soon as it is created.
        with transaction.atomic(using=connection.alias):
            cursor.execute(f"CREATE TEMPORARY TABLE {_SCRATCH} ON COMMIT DROP AS "
                           f"SELECT {', '.join(names)}, {pk} FROM {table} WITH NO DATA")
            _copy(cursor, _SCRATCH, [*names, pk], rows)
            cursor.execute(f"UPDATE {table} SET {', '.join(f'{n} = s.{n}' for n in names)} "
                           f"FROM {_SCRATCH} s WHERE {table}.{pk} = s.{pk}")
            cursor.execute(f"DROP TABLE {_SCRATCH}")


def _preparer(column, connection):
    """value -> what the driver gets for ``column``, as get_db_prep_save would give it.

    A str, float, int or bool bound for a column of that kind, or a plain date for a date
    column, skips get_db_prep_save's chain of calls: it would only hand the value back (a
    date through the backend's own adapter), and it runs for every cell.
    """
    kind = column.get_internal_type()
    prepare_save = column.get_db_prep_save
    if kind in _PLAIN:
        types = _PLAIN[kind]
        return lambda got: got if type(got) in types else prepare_save(got, connection)
    if kind == "DateField":
        adapt = connection.ops.adapt_datefield_value
        return lambda got: adapt(got) if type(got) is dt.date else prepare_save(got, connection)
    return lambda got: prepare_save(got, connection)


def _names(connection, model, columns) -> tuple[str, list[str]]:
    quote = connection.ops.quote_name
    return quote(model._meta.db_table), [quote(c.column) for c in columns]


def _copy(cursor, table: str, names: list[str], rows: list[list]) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
