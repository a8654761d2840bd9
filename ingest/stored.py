"""Stored records as the merge reads and writes them: plain objects, loaded by key.

Not model instances: the merge only compares and sets values and hands the changed ones
to ``bulk_sql.write_fields``, and building a thousand instances (with their signals and
state) was a fifth of the time it took to load the stored rows.
"""

from collections.abc import Iterable
from types import SimpleNamespace

from django.db import connections, models, router
from django.db.models import F, Lookup


class StoredRow(SimpleNamespace):
    """A stored record: its columns by attname, and ``pk``."""


class AnyOf(Lookup):
    """``column = ANY(%s)``, the values bound as one array (PostgreSQL).

    ``column__in`` binds one parameter per value: for the few thousand keys of a payload,
    adapting each value and splitting a query of thousands of placeholders cost more
    than reading the rows.
    """

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*lhs_params, list(self.rhs))


class StoredRows:
    """Loads ``model``'s rows as StoredRow objects, every concrete column, unordered."""

    def __init__(self, model: type[models.Model]):
        self.model = model
        self.attnames = [f.attname for f in model._meta.concrete_fields]
        self.pk = model._meta.pk.attname
        self.vendor = connections[router.db_for_read(model)].vendor

    def load(self, field: str, values: list) -> Iterable[StoredRow]:
        """The rows whose ``field`` is one of ``values`` (few enough for SQLite's parameter limit)."""
        if self.vendor == "postgresql":
            rows = self.model.objects.filter(AnyOf(F(field), values))
        else:
            rows = self.model.objects.filter(**{f"{field}__in": values})
        attnames, pk = self.attnames, self.pk
        for found in rows.order_by().values_list(*attnames):
            obj = StoredRow(**dict(zip(attnames, found)))
            obj.pk = getattr(obj, pk)
            yield obj
