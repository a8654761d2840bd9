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

TOP_KEYS = {"sources", "people", "topics", "claims", "attributions", "evidence"}
SOURCE_KEYS = {"key", "file", "title", "publisher", "url", "date", "kind", "author"}
PERSON_KEYS = {"slug", "name", "affiliation", "role", "bio", "links"}
TOPIC_KEYS = {"slug", "name", "description", "match_phrases", "exclude_phrases"}
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
    "framing",
    "quote_kind",
    "match_phrases",
    "exclude_phrases",
}
ATTRIBUTION_KEYS = {"claim", "source", "attributed_to", "person", "passage"}
EVIDENCE_KEYS = {"claim", "source", "passage", "stance", "strength", "tier", "by_claimant"}


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
        assert c["quote_kind"] in {"own_words", "reported"}, c["slug"]
    for a in data["attributions"]:
        assert set(a) == ATTRIBUTION_KEYS, a
    for e in data["evidence"]:
        assert set(e) == EVIDENCE_KEYS, e
        assert e["stance"] in {"supports", "contradicts", "context"} and e["strength"] in {1, 2, 3}
        assert e["tier"] in {"official", "verified", "unverified"}


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
        ("herd mentality", "resolved_false"),
    ],
)
def test_huszar_2016_predictions_are_resolved_by_his_2026_retrospective(data, fragment, status):
    found = find_claims(data, "ferenc-huszar", fragment)
    assert found, fragment
    claim = found[0]
    assert claim["status"] == status
    # "I wrote this in 2015": the residency passage predates the 2016 post.
    assert claim["date_made"] == ("2015" if fragment == "residency programmes" else "2016")
    assert claim["date_precision"] == "year"
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
    assert 80 <= len(data["claims"]) <= 100


# --- quote and framing apart; attributions; evidence ------------------------------------


def test_framing_attribution_and_evidence_passages_are_verbatim(data, documents):
    for c in data["claims"]:
        assert not c["framing"] or c["framing"] in documents[c["source"]], c["slug"]
    for row in data["attributions"] + data["evidence"]:
        assert row["passage"].strip() and row["passage"] in documents[row["source"]], row


def test_every_attribution_and_evidence_row_points_at_a_claim_and_person(data):
    slugs = {c["slug"] for c in data["claims"]}
    people = {p["slug"] for p in data["people"]}
    for row in data["attributions"] + data["evidence"]:
        assert row["claim"] in slugs, row
    for row in data["attributions"]:
        assert row["person"] is None or row["person"] in people, row


def test_marcus_quote_holds_only_his_words_and_the_essay_sentence_is_its_framing(claims_by_slug):
    wall = claims_by_slug["marcus-deep-learning-hitting-a-wall"]
    assert wall["quote"] == "deep learning is hitting a wall"
    assert wall["framing"].startswith("As Gary Marcus recently pointed out")
    assert "his 2022 prediction" not in wall["quote"]


def test_the_disputed_beyond_scaling_words_carry_every_essays_attribution(data):
    rows = [a for a in data["attributions"] if a["claim"] == "marcus-current-architectures-not-enough"]
    assert {a["source"] for a in rows} == {"000", "001", "002"}
    by_source = {a["source"]: a for a in rows}
    assert by_source["000"]["person"] is None and "companies" in by_source["000"]["attributed_to"]
    assert by_source["001"]["person"] == by_source["002"]["person"] == "gary-marcus"
    assert "message" in by_source["002"]["attributed_to"]


def test_a_status_other_than_open_is_backed_by_sided_evidence_or_the_claimants_verdict(data):
    """The rule claims/backing.py enforces on load; measures add their results at run time."""
    backed = {e["claim"] for e in data["evidence"] if e["by_claimant"] or e["stance"] != "context"}
    unbacked = [c["slug"] for c in data["claims"] if c["status"] != "open" and c["slug"] not in backed]
    assert unbacked == []


def test_huszar_verdicts_are_his_own_words_as_evidence(data, claims_by_slug):
    own = [e for e in data["evidence"] if e["by_claimant"]]
    for e in own:
        claim = claims_by_slug[e["claim"]]
        assert claim["person"] == "ferenc-huszar" and claim["source"] == e["source"] == "004"
    assert {e["claim"] for e in own} == {c["slug"] for c in data["claims"]
                                         if c["person"] == "ferenc-huszar" and c["status"] in RESOLVED}


# --- public text speaks for itself ------------------------------------------------------


INTERNAL = re.compile(r"\(00\d\)|\b00\d_[0-9a-f]+|\.txt\b|\bthe seed\b|\bseed\b", re.IGNORECASE)


def test_no_public_text_carries_internal_ids_file_names_or_the_seed(data):
    texts = [(c["slug"], c[f]) for c in data["claims"] for f in ("title", "statement", "verdict_rationale", "framing")]
    texts += [(p["slug"], p[f]) for p in data["people"] for f in ("name", "bio", "role", "affiliation")]
    texts += [(t["slug"], t["description"]) for t in data["topics"]]
    texts += [(a["claim"], a["attributed_to"]) for a in data["attributions"]]
    assert [(key, text) for key, text in texts if INTERNAL.search(text)] == []


def test_bios_quote_only_the_essays_and_invent_no_links(data, documents):
    corpus = "\n".join(documents.values())
    for p in data["people"]:
        assert p["links"] == [], p["slug"]
        for fragment in re.findall(r"“([^”]+)”", p["bio"]):
            if any(fragment == s["title"] or s["title"].startswith(fragment.rstrip("…")) for s in data["sources"]):
                continue  # an essay named by its title
            for piece in fragment.split(" … "):
                assert piece in corpus, (p["slug"], piece)


def test_smaller_defects_stay_fixed(data, claims_by_slug):
    people = {p["slug"]: p for p in data["people"]}
    memory = claims_by_slug["huszar-2026-memory-and-continual-learning-will-get-done"]  # slug is a permalink
    assert "continual" not in memory["title"] + memory["statement"] and "continuous" in memory["statement"]
    ilya = claims_by_slug["sutskever-era-of-research-with-big-compute"]
    assert "rather than scaling alone" not in ilya["statement"] and "Sutskever" not in people["ilya-sutskever"]["name"]
    assert "software engineer at Netflix" in people["theprimeagen"]["bio"]
    assert "formerly" not in people["theprimeagen"]["bio"]


@pytest.mark.parametrize(
    "fragment",
    [
        "render traditional search engines obsolete",
        "herd mentality",
        "Thiel fellowship",
        "diffusion language models may one day be influential",
        "more compute = more intelligence",
        "predictable trends as a function of parameter count",
        "Constraint #3", "Constraint #4", "Constraint #6",
        "simply increasing the volume of data does not inherently improve model performance",
        "humanoid robots",
        "B100",
        "computational resources required for training and inference grow exponentially",
        "Balanced AI Integration", "Infrastructure Resilience: Build", "Cost Intelligence", "Problem-Specific Applications",
        "operational complexity grows exponentially",
        "cloud cost management tools aren't designed",
        "the most significant evolution in AI development since the transformer",
        "fundamentally reshape how organizations structure",
        "isn't about choosing between scaling and architectural innovation",
    ],
)
def test_claims_missing_before_are_present(data, fragment):
    assert [c for c in data["claims"] if fragment in c["quote"]], fragment


def test_every_correction_lands_on_the_current_seed_value(data):
    corrections = json.loads((SEED_DIR / "corrections.json").read_text(encoding="utf-8"))
    claims = {c["slug"]: c for c in data["claims"]}
    people = {p["slug"]: p for p in data["people"]}
    for fix in corrections["claims"]:
        assert claims[fix["slug"]][fix["field"]] == fix["now"] != fix["was"], fix["slug"]
    for fix in corrections["people"]:
        assert people[fix["slug"]][fix["field"]] == fix["now"] != fix["was"], fix["slug"]
    for fix in corrections["verdicts"]:
        assert claims[fix["claim"]]["verdict_rationale"] == fix["now"]
