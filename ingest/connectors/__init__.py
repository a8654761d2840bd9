"""Connectors: one module per kind of source. Each turns a payload into rows.

A connector is a function ``load(data: bytes, ctx: LoadContext) -> None`` that parses by
header or element name, upserts through ``ctx``, rejects bad rows one by one with
``ctx.reject(...)`` and raises ``ParseError`` when the file is not what it expects.
"""

from importlib import import_module

# kind -> module under ingest.connectors; imported lazily so a broken optional
# connector cannot stop the others from loading.
REGISTRY = {
    "epoch-models": "epoch_models",
    "epoch-benchmarks": "epoch_benchmarks",
    "metr": "metr",
    "owid": "owid",
    "arxiv": "arxiv",
    "feed": "feed",
}


def get_connector(kind: str):
    """The connector module: ``load`` and, optionally, ``precedence(source)`` and ``companions(source)``."""
    try:
        module_name = REGISTRY[kind]
    except KeyError:
        raise ValueError(f"unknown source kind {kind!r}; known: {', '.join(sorted(REGISTRY))}") from None
    return import_module(f"{__name__}.{module_name}")


def get_loader(kind: str):
    return get_connector(kind).load
