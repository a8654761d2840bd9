"""Integrity checks for the curated seed data in claims/seed_data/.

Plain pytest, no database and no Django: these tests only read claims.json and
the seed documents it was extracted from. The rules they enforce:

* quotes are verbatim (exact substrings of the source document),
* dates only as the document gives them (precision matches the date format),
* every reference (person, topic, source) resolves,
* the key claims the product was built around are present.
"""

import json
import re
from pathlib import Path

import pytest

SEED_DIR = Path(__file__).resolve().parent.parent / "claims" / "seed_data"
DOC_DIR = SEED_DIR / "documents"
CLAIMS_JSON = SEED_DIR / "claims.json"

STATUSES = {
    "open",
    "supported",
    "contradicted",
    "mixed",
    "resolved_true",
    "resolved_false",
    "resolved_partly",
    "unresolvable",
}
RESOLVED = {"resolved_true", "resolved_false", "resolved_partly"}
KINDS = {"prediction", "assessment", "recommendation"}
PRECISION_PATTERNS = {
    "year": r"\d{4}",
    "month": r"\d{4}-(0[1-9]|1[0-2])",
    "day": r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])",
}
SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

TOP_KEYS = {"sources", "people", "topics", "claims"}
SOURCE_KEYS = {"key", "file", "title", "publisher", "url", "date", "kind", "author"}
PERSON_KEYS = {"slug", "name", "affiliation", "role", "bio", "links"}
TOPIC_KEYS = {"slug", "name", "description"}
CLAIM_KEYS = {
    "slug",
    "title",
    "statement",
    "quote",
    "person",
    "source",
    "date_made",
    "date_precision",
    "kind",
    "topics",
    "status",
    "verdict_rationale",
    "verdict_as_of",
    "deadline",
}


@pytest.fixture(scope="module")
def data():
    with CLAIMS_JSON.open(encoding="utf-8") as fh:
        return json.load(fh)


@pytest.fixture(scope="module")
def documents(data):
    return {
        s["key"]: (DOC_DIR / s["file"]).read_text(encoding="utf-8")
        for s in data["sources"]
    }


@pytest.fixture(scope="module")
def claims_by_slug(data):
    return {c["slug"]: c for c in data["claims"]}


def precision_of(value):
    if value is None:
        return "unknown"
    for precision, pattern in PRECISION_PATTERNS.items():
        if re.fullmatch(pattern, value):
            return precision
    return None


def find_claims(data, person, fragment):
    return [
        c
        for c in data["claims"]
        if c["person"] == person and fragment.lower() in c["quote"].lower()
    ]


# --- structure ---------------------------------------------------------------


def test_json_has_exactly_the_schema_keys(data):
    assert set(data) == TOP_KEYS
    for s in data["sources"]:
        assert set(s) == SOURCE_KEYS, s.get("key")
    for p in data["people"]:
        assert set(p) == PERSON_KEYS, p.get("slug")
        assert isinstance(p["links"], list)
        assert p["name"].strip() and p["bio"].strip()
    for t in data["topics"]:
        assert set(t) == TOPIC_KEYS, t.get("slug")
        assert t["name"].strip() and t["description"].strip()
    for c in data["claims"]:
        assert set(c) == CLAIM_KEYS, c.get("slug")


def test_every_seed_document_is_a_source_and_exists(data):
    files_on_disk = sorted(p.name for p in DOC_DIR.glob("*.txt"))
    assert sorted(s["file"] for s in data["sources"]) == files_on_disk
    assert len(files_on_disk) == 5
    for s in data["sources"]:
        assert s["file"].startswith(s["key"] + "_")
        assert s["kind"] in {"article", "post"}


def test_every_source_title_is_the_first_line_of_its_document(data, documents):
    for s in data["sources"]:
        assert s["title"] == documents[s["key"]].split("\n", 1)[0], s["key"]


def test_source_dates_have_a_valid_format(data):
    for s in data["sources"]:
        assert precision_of(s["date"]) is not None, s["key"]


# --- verbatim quotes -----------------------------------------------------------


def test_every_quote_is_verbatim_in_its_document(data, documents):
    missing = [
        c["slug"]
        for c in data["claims"]
        if not c["quote"].strip() or c["quote"] not in documents[c["source"]]
    ]
    assert missing == []


# --- identifiers and references ----------------------------------------------


def test_claim_slugs_are_unique_and_well_formed(data):
    slugs = [c["slug"] for c in data["claims"]]
    assert len(slugs) == len(set(slugs))
    for slug in slugs:
        assert SLUG_RE.fullmatch(slug) and len(slug) <= 80, slug


def test_person_topic_and_source_slugs_are_unique(data):
    for section, key in (("people", "slug"), ("topics", "slug"), ("sources", "key")):
        values = [item[key] for item in data[section]]
        assert len(values) == len(set(values)), section


def test_every_reference_resolves(data):
    people = {p["slug"] for p in data["people"]}
    topics = {t["slug"] for t in data["topics"]}
    sources = {s["key"] for s in data["sources"]}
    for c in data["claims"]:
        assert c["person"] is None or c["person"] in people, c["slug"]
        assert c["source"] in sources, c["slug"]
        assert 1 <= len(c["topics"]) <= 3, c["slug"]
        assert len(set(c["topics"])) == len(c["topics"]), c["slug"]
        for topic in c["topics"]:
            assert topic in topics, (c["slug"], topic)


def test_every_person_and_topic_is_used(data):
    used_people = {c["person"] for c in data["claims"]}
    used_topics = {t for c in data["claims"] for t in c["topics"]}
    assert {p["slug"] for p in data["people"]} <= used_people
    assert {t["slug"] for t in data["topics"]} <= used_topics


def test_titles_are_short_and_statements_present(data):
    for c in data["claims"]:
        assert 0 < len(c["title"]) <= 120, c["slug"]
        assert c["statement"].strip(), c["slug"]


# --- dates ----------------------------------------------------------------------


def test_date_precision_matches_date_made_format(data):
    for c in data["claims"]:
        assert c["date_precision"] == precision_of(c["date_made"]), c["slug"]


def test_verdict_and_deadline_dates_have_a_valid_format(data):
    for c in data["claims"]:
        for field in ("verdict_as_of", "deadline"):
            assert precision_of(c[field]) is not None, (c["slug"], field)


# --- statuses and kinds ---------------------------------------------------------


def test_statuses_and_kinds_are_within_the_allowed_sets(data):
    for c in data["claims"]:
        assert c["status"] in STATUSES, c["slug"]
        assert c["kind"] in KINDS, c["slug"]


def test_non_open_statuses_carry_a_rationale(data):
    for c in data["claims"]:
        if c["status"] != "open":
            assert c["verdict_rationale"].strip(), c["slug"]


def test_resolved_claims_have_a_verdict_date_after_the_claim(data):
    for c in data["claims"]:
        if c["status"] in RESOLVED:
            assert c["verdict_as_of"], c["slug"]
            assert c["date_made"], c["slug"]
            assert c["verdict_as_of"][:4] > c["date_made"][:4], c["slug"]


# --- the claims the product was built around -------------------------------------


def test_marcus_deep_learning_is_hitting_a_wall_2022(data):
    found = find_claims(data, "gary-marcus", "deep learning is hitting a wall")
    assert found and all(c["date_made"] == "2022" for c in found)
    assert found[0]["date_precision"] == "year"


def test_marcus_current_architectures_not_enough_beyond_scaling(data):
    found = find_claims(data, "gary-marcus", "current architectures are not enough")
    assert any("something new, researchwise, beyond scaling" in c["quote"] for c in found)


@pytest.mark.parametrize(
    "fragment",
    [
        "dead end",
        "errors accumulate",
        "understanding of the physical world",
    ],
)
def test_lecun_claims_are_present(data, fragment):
    assert find_claims(data, "yann-lecun", fragment)


@pytest.mark.parametrize(
    "fragment",
    [
        "Meta and xAI to maintain parity",
        "Chinese open weights models continue to lag by months",
        "recursive AI self-improvement, if it happens",
    ],
)
def test_mollick_claims_are_present(data, fragment):
    assert find_claims(data, "ethan-mollick", fragment)


def test_mollick_sentence_is_split_into_separate_claims(data):
    assert len(find_claims(data, "ethan-mollick", "")) >= 3


@pytest.mark.parametrize(
    "fragment",
    [
        "we're going to need a bigger IDE",
        "agent command center",
        "Intelligence brownouts",
        "C compiler to LLM weights and logarithmic complexity hard-max attention",
    ],
)
def test_karpathy_claims_are_present(data, fragment):
    assert find_claims(data, "andrej-karpathy", fragment)


@pytest.mark.parametrize(
    "fragment",
    [
        "we rushed so fast into Agents",
        "A good autocomplete that is fast",
        "your grip on the codebase slips",
    ],
)
def test_primeagen_claims_are_present(data, fragment):
    assert find_claims(data, "theprimeagen", fragment)


@pytest.mark.parametrize(
    "person, fragment",
    [
        ("aravind-srinivas", "AlphaFold"),
        ("jack-clark", "AI progress continues to accelerate and the stakes are getting higher"),
        ("ilya-sutskever", "the era of research with big compute"),
    ],
)
def test_other_expert_claims_are_present(data, person, fragment):
    assert find_claims(data, person, fragment)


@pytest.mark.parametrize(
    "fragment, status",
    [
        ("low-hanging fruit for deep learning is disappearing", "resolved_false"),
        ("improvements to neural network architectures alone", "resolved_false"),
        ("probabilistic programming could do for Bayesian ML what Theano", "resolved_false"),
        ("generative modelling", "resolved_true"),
        ("residency programmes", "resolved_partly"),
    ],
)
def test_huszar_2016_predictions_are_resolved_by_his_2026_retrospective(data, fragment, status):
    found = find_claims(data, "ferenc-huszar", fragment)
    assert found, fragment
    claim = found[0]
    assert claim["status"] == status
    assert claim["date_made"] == "2016" and claim["date_precision"] == "year"
    assert claim["verdict_as_of"] == "2026"
    assert claim["verdict_rationale"].strip()
    assert claim["source"] == "004"


def test_huszar_2026_position_on_lecun_is_a_separate_2026_claim(data):
    found = find_claims(data, "ferenc-huszar", "not reason enough to call them a dead end")
    assert found
    assert found[0]["date_made"] == "2026"
    assert found[0]["status"] not in RESOLVED


@pytest.mark.parametrize(
    "fragment",
    [
        "data is not yet the primary constraint",
        "constrained by the number of parameters",
        "1/20 the cost of training",
        "energy",
        "architectural innovation has slowed down significantly",
    ],
)
def test_constraints_essay_claims_are_present(data, fragment):
    assert [c for c in data["claims"] if c["source"] == "003" and fragment in c["quote"]]


@pytest.mark.parametrize(
    "fragment",
    [
        "exceeding $100 million",
        "pure scaling may no longer be the primary driver of AI progress",
    ],
)
def test_essays_own_claims_are_present(data, fragment):
    assert [c for c in data["claims"] if c["person"] is None and fragment in c["quote"]]


def test_claim_count_is_in_the_expected_range(data):
    assert 35 <= len(data["claims"]) <= 80
