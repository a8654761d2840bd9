"""The data sources that ship with Claimwatch: real public snapshots under ingest/snapshots/.

`make run` registers these and ingests them offline through the same connectors that
fetch the live URLs in production (an operator switches a source to its URL in the admin).
See ingest/snapshots/SOURCES.md for each file's origin and licence.
"""

EPOCH = {"publisher": "Epoch AI", "licence": "CC BY 4.0", "attribution": "Epoch AI, https://epoch.ai/data (CC BY 4.0)"}
OWID = {"publisher": "Our World in Data", "licence": "CC BY 4.0",
        "attribution": "Our World in Data, https://ourworldindata.org (CC BY 4.0); underlying data Epoch AI and others"}
ARXIV = {"publisher": "arXiv", "licence": "CC0 1.0 (metadata)", "attribution": "arXiv.org metadata (CC0 1.0)"}

SNAP = "ingest/snapshots"

BUNDLED_SOURCES = [
    {
        "slug": "epoch-notable-models", "name": "Epoch AI: notable AI models", "kind": "epoch-models",
        "path": f"{SNAP}/epoch/notable_ai_models.csv", "options": {"notable": True},
        **EPOCH,
    },
]


def register_bundled_sources() -> list:
    """Create the bundled sources that do not exist yet; never overwrite an operator's edits."""
    from .models import DataSource

    sources = []
    for spec in BUNDLED_SOURCES:
        spec = dict(spec)
        slug = spec.pop("slug")
        source, _ = DataSource.objects.get_or_create(slug=slug, defaults=spec)
        sources.append(source)
    return sources
