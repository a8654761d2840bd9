"""Epoch's model versions: the human name of each model version that gets a score.

Scores name a *model version* the way an API does ("o3-2025-04-16_high",
"claude-3-5-sonnet-20240620"). Readers need the name Epoch shows for it. Epoch publishes
those names in two tables, read here into one ``VersionTable``:

- ``model_versions.csv``: ``Unique display name``, then ``Display name`` (mostly blank), and
  ``Model``, the name of the AI model the version belongs to;
- the Epoch Capabilities Index, which has ``Display name`` and ``Model name`` for every row it
  scores, including versions newer than the model_versions snapshot.

A version with no display name of its own is called by its model's name plus the setting
its id ends with, written the way Epoch writes its own display names: ``_high`` ->
"o3 (high)", ``_16K`` -> "Claude Opus 4 (16k thinking)".

Other publishers spell versions their own way (METR: ``claude_3_5_sonnet_20240620_inspect``,
``gpt_4o_inspect``), so ``VersionTable.match`` also finds a version by its words and its
release date.
"""

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable

from .base import read_csv
from .values import BadValue, clean, date, model_key

# The setting a version id ends with, as Epoch's display names write it.
_EFFORT = re.compile(r"_(minimal|none|low|medium|high|xhigh|max)$", re.IGNORECASE)
_BUDGET = re.compile(r"_(\d+)k$", re.IGNORECASE)
_THINKING = re.compile(r"_thinking$", re.IGNORECASE)
# Words of a version id that say which build of the model it is, as Epoch's own display
# names add them ("DeepSeek LLM 67B (chat)", "DeepSeek Coder 6.7B (instruct)").
_BUILDS = ("base", "chat", "instruct")
# Release days within this many days of each other are the same release (METR dates a
# model by its announcement, Epoch by the version's own availability).
SAME_RELEASE_DAYS = 31


def setting(version_id: str) -> str:
    """'o3-2025-04-16_high' -> 'high'; '..._16K' -> '16k thinking'; no recognised ending -> ''."""
    if match := _EFFORT.search(version_id):
        return match.group(1).lower()
    if match := _BUDGET.search(version_id):
        return f"{match.group(1)}k thinking"
    if _THINKING.search(version_id):
        return "thinking"
    return ""


def words(text: str) -> tuple[str, ...]:
    """The lower-case words and numbers of a name: 'Claude 3.5 Sonnet' -> ('claude', '3', '5', 'sonnet')."""
    return tuple(w for w in re.split(r"[^a-z0-9]+", text.casefold()) if w)


def _is_date_word(word: str) -> bool:
    # 2024, 0314 (month and day), 05, 20240620: the parts of a release date in an id.
    return word.isdigit() and len(word) in (2, 4, 8)


@dataclasses.dataclass(frozen=True)
class Version:
    id: str
    date: dt.date | None = None
    model: str = ""  # Epoch's name for the AI model ("o3"), as its models table spells it
    name: str = ""  # Epoch's display name for this version ("o3 (high)"); "" when it has none

    @property
    def human_name(self) -> str:
        """Epoch's display name, or the model's name with the version's build and setting
        ("Llama 2-70B (chat)", "o3 (high)"); '' with neither."""
        if self.name:
            return self.name
        if not self.model:
            return ""
        named = set(words(self.model))
        extra = [w for w in _BUILDS if w in words(self.id) and w not in named]
        if setting(self.id):
            extra.append(setting(self.id))
        return f"{self.model} ({', '.join(extra)})" if extra else self.model


@dataclasses.dataclass(frozen=True)
class Columns:
    id: str
    date: str
    model: str
    names: tuple[str, ...]  # most specific first


MODEL_VERSIONS = Columns("id", "Version release date", "Model", ("Unique display name", "Display name"))
CAPABILITIES_INDEX = Columns("Model version", "Release date", "Model name", ("Display name",))


class VersionTable:
    """Versions by key; when two tables list one version, the first to name a field wins."""

    def __init__(self, versions: Iterable[Version] = ()):
        self._by_key: dict[str, Version] = {}
        for version in versions:
            key = model_key(version.id)
            known = self._by_key.get(key)
            if known is not None:
                version = Version(known.id, known.date or version.date, known.model or version.model,
                                  known.name or version.name)
            self._by_key[key] = version

    @classmethod
    def read(cls, tables: Iterable[tuple[bytes | None, Columns]]) -> "VersionTable":
        return cls(version for data, columns in tables if data is not None for version in _rows(data, columns))

    def __len__(self) -> int:
        return len(self._by_key)

    def get(self, version_id: str) -> Version | None:
        return self._by_key.get(model_key(version_id)) if version_id else None

    def match(self, loose_id: str, release: dt.date | None) -> str:
        """A human name for a version another publisher spells its own way; '' when none fits.

        A version whose id has the same words is the one (whatever its date: publishers date
        a model differently). Otherwise the candidates are versions released within
        SAME_RELEASE_DAYS whose id holds every word of the loose id, or whose model's name
        has exactly its words; the nearest release wins, then the fewest extra words.

        A dated loose id names one release, so it gets that version's own display name; an
        undated one names the model, so it gets the model's name: METR's ``o3`` was not run
        at one of Epoch's effort settings, and "o3 (high)" would say it was.
        """
        wanted = words(loose_id)
        if not wanted:
            return ""
        exact, near = self._candidates(wanted, release)
        if exact:
            best = min(exact, key=lambda v: (abs((v.date - release).days) if v.date and release else 0, v.id))
        elif near:
            best = min(near)[-1]
        else:
            return ""
        dated = any(_is_date_word(w) and len(w) != 2 for w in wanted)
        if dated and (exact or not setting(best.id)):
            return best.human_name
        return best.model or best.human_name

    def _candidates(self, wanted: tuple[str, ...], release: dt.date | None) -> tuple[list[Version], list[tuple]]:
        """The versions with the loose id's words, and the near fits ranked as ``_near_fit`` gives them."""
        wanted_set = set(wanted)
        exact, near = [], []
        for version in self._by_key.values():
            have = words(version.id)
            if have == wanted:
                exact.append(version)
            elif (fit := _near_fit(version, have, wanted_set, release)) is not None:
                near.append(fit)
        return exact, near


def _near_fit(version: Version, have: tuple[str, ...], wanted: set[str], release: dt.date | None) -> tuple | None:
    """(days apart, extra words, has a setting, id, version) for a version released within
    SAME_RELEASE_DAYS whose id holds every wanted word or whose model's name has exactly
    them; None for any other. The tuples sort nearest release first, then fewest extra words."""
    if release is None or version.date is None:
        return None
    distance = abs((version.date - release).days)
    if distance > SAME_RELEASE_DAYS:
        return None
    if not (wanted <= set(have) or (version.model and set(words(version.model)) == wanted)):
        return None
    extra = [w for w in set(have) - wanted if not _is_date_word(w) and w not in words(setting(version.id))]
    return distance, len(extra), bool(setting(version.id)), version.id, version


def _rows(data: bytes, columns: Columns) -> Iterable[Version]:
    _, rows = read_csv(data, (columns.id,), "Epoch AI model version table")
    for row in rows:
        version_id = clean(row.get(columns.id))
        if not version_id:
            continue
        try:
            release = date(row.get(columns.date), columns.date)
        except BadValue:
            release = None  # an unreadable date leaves the score undated, it does not sink the run
        name = next((clean(row.get(c)) for c in columns.names if clean(row.get(c))), "")
        yield Version(version_id, release, clean(row.get(columns.model)), name)
