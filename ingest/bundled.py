"""The data sources that ship with Claimwatch: real public snapshots under ingest/snapshots/.

`make run` registers these and ingests them offline through the same connectors that
fetch the live URLs in production (an operator switches a source to its URL in the
admin; ``options["live_url"]`` says where the live copy is, where there is one).
See ingest/snapshots/SOURCES.md for each file's origin and licence.

Not bundled, on purpose: feeds/odd/ (test fixtures for awkward feeds), the Excel-resaved
Epoch variant and the 2025-05 old-schema benchmark runs (schema-drift fixtures whose
rows the current files supersede), the arXiv API's empty answer (a fixture for "no
results"), model_versions.csv (a companion table read by the benchmark and METR sources) and
organizations.csv (no model holds organisations yet).
"""

SNAP = "ingest/snapshots"

EPOCH = {"publisher": "Epoch AI", "licence": "CC BY 4.0",
         "attribution": "Epoch AI, https://epoch.ai/data (CC BY 4.0)"}
EPOCH_HUB = {"publisher": "Epoch AI", "licence": "CC BY 4.0 (data); MIT (repository)",
             "attribution": "Epoch AI Benchmarking Hub, https://epoch.ai/benchmarks, via "
                            "github.com/epoch-research/benchmark-stitching (CC BY 4.0)"}
METR = {"publisher": "METR", "licence": "METR's terms (published results)",
        "attribution": "METR, Measuring AI Ability to Complete Long Tasks, METR-Horizon-v1.1 results, "
                       "https://metr.org"}
OWID = {"publisher": "Our World in Data", "licence": "CC BY 4.0",
        "attribution": "Our World in Data, https://ourworldindata.org (CC BY 4.0); "
                       "underlying data Epoch AI, CSET and others"}
ARXIV = {"publisher": "arXiv", "licence": "CC0 1.0 (metadata); abstracts under each item's own licence",
         "attribution": "arXiv.org metadata (CC0 1.0)"}
MODEL_VERSIONS = f"{SNAP}/epoch/model_versions.csv"
CAPABILITIES_INDEX = f"{SNAP}/epoch/epoch_capabilities_index.csv"
DAY = 24 * 60


def _epoch_models(slug, name, file, live, **options):
    return {"slug": slug, "name": name, "kind": "epoch-models", "path": f"{SNAP}/epoch/{file}",
            "options": {"live_url": live, **options}, **EPOCH}


def _benchmarks(slug, name, file, table, **extra):
    return {"slug": slug, "name": name, "kind": "epoch-benchmarks", "path": f"{SNAP}/epoch/{file}",
            "options": {"table": table, "model_versions": MODEL_VERSIONS, **extra}, **EPOCH_HUB}


def _owid(chart, name, title=""):
    options = {"chart": chart, "live_url": f"https://ourworldindata.org/grapher/{chart}.csv"}
    if title:  # names the series of a chart whose columns carry only a dimension's label
        options["title"] = title
    return {"slug": f"owid-{chart}"[:100], "name": f"Our World in Data: {name}", "kind": "owid",
            "path": f"{SNAP}/owid/{chart}.csv", "options": options, **OWID}


def _feed(slug, name, file, publisher, licence, attribution, live=""):
    options = {"live_url": live} if live else {}
    return {"slug": slug, "name": name, "kind": "feed", "path": f"{SNAP}/feeds/{file}", "options": options,
            "publisher": publisher, "licence": licence, "attribution": attribution, "interval_minutes": 6 * 60}


BUNDLED_SOURCES = [
    _epoch_models("epoch-notable-models", "Epoch AI: notable AI models", "notable_ai_models.csv",
                  "https://epoch.ai/data/notable_ai_models.csv", notable=True),
    _epoch_models("epoch-large-scale-models", "Epoch AI: large-scale AI models", "large_scale_ai_models.csv",
                  "https://epoch.ai/data/large_scale_ai_models.csv"),
    _epoch_models("epoch-all-models", "Epoch AI: all AI models", "all_ai_models.csv",
                  "https://epoch.ai/data/all_ai_models.csv"),
    _benchmarks("epoch-benchmark-runs", "Epoch AI: Benchmarking Hub runs", "benchmarks_runs.csv", "runs"),
    _benchmarks("epoch-capabilities-index", "Epoch AI: Epoch Capabilities Index", "epoch_capabilities_index.csv",
                "eci"),
    _benchmarks("epoch-external-mmlu", "Epoch AI: MMLU (external)", "external_benchmark_mmlu.csv", "mmlu"),
    _benchmarks("epoch-external-arc-agi", "Epoch AI: ARC-AGI (external)", "external_benchmark_arc_agi.csv",
                "arc-agi"),
    _benchmarks("epoch-external-metr", "Epoch AI: METR time horizons (external)", "external_benchmark_metr.csv",
                "metr"),
    _benchmarks("epoch-external-terminal-bench", "Epoch AI: Terminal-Bench (external)",
                "external_benchmark_terminal_bench.csv", "terminal-bench"),
    {"slug": "metr-horizons", "name": "METR: time horizons (v1.1)", "kind": "metr",
     "path": f"{SNAP}/metr/benchmark_results_1_1.yaml",
     "options": {"model_versions": MODEL_VERSIONS, "capabilities_index": CAPABILITIES_INDEX},
     **METR},
    _owid("artificial-intelligence-training-computation", "training computation of notable AI systems"),
    _owid("exponential-growth-of-computation-in-the-training-of-notable-ai-systems",
          "exponential growth of training computation"),
    _owid("ai-performance-knowledge-tests-vs-training-computation", "MMLU vs training computation"),
    _owid("cumulative-number-of-large-scale-ai-models-by-domain", "large-scale AI models by domain"),
    _owid("private-investment-in-artificial-intelligence-cset", "private investment in AI (CSET)"),
    _owid("affiliation-researchers-building-artificial-intelligence-systems-all",
          "affiliation of researchers building AI systems",
          title="Affiliation of researchers building AI systems"),
    {"slug": "arxiv-api-electron-proton", "name": "arXiv API: all:electron AND all:proton", "kind": "arxiv",
     "path": f"{SNAP}/arxiv/api_query_all-electron-AND-all-proton_2025-11.xml",
     "options": {"live_url": "https://export.arxiv.org/api/query?search_query=all:electron+AND+all:proton"},
     **ARXIV},
    {"slug": "arxiv-api-id-list", "name": "arXiv API: id list (partly missing)", "kind": "arxiv",
     "path": f"{SNAP}/arxiv/api_query_id_list_partly_missing_2025-11.xml", "options": {}, **ARXIV},
    *[
        {"slug": f"arxiv-rss-{code.replace('.', '-').lower()}", "name": f"arXiv RSS: {code}", "kind": "arxiv",
         "path": f"{SNAP}/arxiv/rss_arxiv_{code.replace('.', '_').lower()}.xml",
         "options": {"live_url": f"https://rss.arxiv.org/rss/{code}"}, "interval_minutes": 6 * 60, **ARXIV}
        for code in ("cs.AI", "cs.LG", "cs.CL")
    ],
    _feed("anthropic-news", "Anthropic news", "ai_labs/feed_anthropic_news.xml", "Anthropic",
          "© Anthropic (feed code MIT)", "Anthropic news, via the 0xSMW/rss-feeds scraper (MIT)",
          "https://raw.githubusercontent.com/0xSMW/rss-feeds/main/feeds/feed_anthropic_news.xml"),
    _feed("openai-research", "OpenAI research", "ai_labs/feed_openai_research.xml", "OpenAI",
          "© OpenAI (feed code MIT)", "OpenAI research, via the 0xSMW/rss-feeds scraper (MIT)",
          "https://raw.githubusercontent.com/0xSMW/rss-feeds/main/feeds/feed_openai_research.xml"),
    _feed("xai-news", "xAI news", "ai_labs/feed_xai_news.xml", "xAI", "© xAI (feed code MIT)",
          "xAI news, via the 0xSMW/rss-feeds scraper (MIT)",
          "https://raw.githubusercontent.com/0xSMW/rss-feeds/main/feeds/feed_xai_news.xml"),
    _feed("bair-blog", "BAIR blog", "ai_blogs/bair_blog.xml", "Berkeley AI Research", "© BAIR",
          "The Berkeley Artificial Intelligence Research blog", "https://bair.berkeley.edu/blog/feed.xml"),
    _feed("deepmind-blog", "Google DeepMind news", "ai_blogs/deepmind_blog.xml", "Google DeepMind",
          "© Google DeepMind", "Google DeepMind blog", "https://deepmind.google/blog/rss.xml"),
    _feed("meta-ai-research", "Engineering at Meta: AI Research", "ai_blogs/fair_blog.xml", "Meta",
          "© Meta", "Engineering at Meta, AI Research", "https://engineering.fb.com/category/ai-research/feed/"),
    _feed("the-gradient", "The Gradient", "ai_blogs/gradient_blog.xml", "The Gradient", "© The Gradient",
          "The Gradient", "https://thegradient.pub/rss/"),
    _feed("huggingface-blog", "Hugging Face blog", "ai_blogs/huggingface_blog.xml", "Hugging Face",
          "© Hugging Face", "Hugging Face blog", "https://huggingface.co/blog/feed.xml"),
    _feed("openai-news", "OpenAI news", "ai_blogs/openai_blog.xml", "OpenAI", "© OpenAI", "OpenAI News",
          "https://openai.com/news/rss.xml"),
    _feed("vector-institute", "Vector Institute", "ai_blogs/vector_institute.xml", "Vector Institute",
          "© Vector Institute", "Vector Institute news", "https://vectorinstitute.ai/feed/"),
    _feed("pennspark-substack", "Penn Spark (Substack)", "substack/pennspark_substack.xml", "Penn Spark",
          "© Penn Spark", "Penn Spark on Substack (a Substack-shaped feed)"),
]


BUNDLED_SLUGS = frozenset(spec["slug"] for spec in BUNDLED_SOURCES)


def register_bundled_sources() -> list:
    """Create the bundled sources that do not exist yet; never overwrite an operator's edits.

    A source created by an older release gains the option keys added since (the METR
    source's model_versions, say), so older installs read what new ones do; a key the
    operator set, or emptied, keeps its value."""
    from .models import DataSource

    sources = []
    for spec in BUNDLED_SOURCES:
        spec = dict(spec)
        slug = spec.pop("slug")
        source, created = DataSource.objects.get_or_create(slug=slug, defaults=spec)
        missing = {} if created else {k: v for k, v in spec.get("options", {}).items() if k not in source.options}
        if missing:
            source.options = {**source.options, **missing}
            source.save(update_fields=["options"])
        sources.append(source)
    return sources


def bundled_progress() -> tuple[int, int]:
    """(bundled sources with a finished first run, bundled sources): "12/32 sources"."""
    from django.db.models import Count, Q

    from .models import DataSource, IngestRun

    counts = DataSource.objects.filter(slug__in=BUNDLED_SLUGS).aggregate(
        total=Count("pk", distinct=True), done=Count("pk", filter=Q(runs__status__in=IngestRun.FINISHED), distinct=True)
    )
    return counts["done"], counts["total"]


def publish_bundled_progress() -> tuple[int, int]:
    """Count the bundled progress and put it where every page reads it (ingest.progress_store)."""
    from . import progress_store

    done, total = bundled_progress()
    progress_store.set_bundled(done, total)
    return done, total
