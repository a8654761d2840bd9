"""arXiv API Atom responses and arXiv RSS listings -> FeedItem rows.

Both come through feedparser (see connectors.feed). What arXiv adds:
- the arXiv id without its version in ``arxiv_id`` ("2604.21935", "nucl-ex/0408020"),
  from the Atom <id> (``http://arxiv.org/abs/<id>v<n>``) or the RSS guid
  (``oai:arXiv.org:<id>v<n>``);
- the guid is ``arxiv:<id>`` without the version, so a new version of a paper updates
  its item instead of adding a second one; the link is the versioned abstract page;
- RSS gives all authors in one dc:creator, comma-separated: split into a list;
- the RSS description starts "arXiv:<id>v1 Announce Type: new Abstract: ...": the
  abstract is kept, the announcement header dropped;
- an API error (an entry whose id is .../api/errors#...) fails the run with arXiv's
  own message; an empty result (no entries) is a successful run with 0 rows.
"""

import re

from ..models import FeedItem
from ..sanitize import plain_text, summary_html
from .base import LoadContext, ParseError
from .rows import accept_rows
from .feed import SUMMARY_MAX_CHARS, entry_categories, entry_datetime, entry_summary, parse_feed

_ID = r"(?P<id>(?:[a-z-]+(?:\.[A-Z]{2})?/\d{7}|\d{4}\.\d{4,5}))(?P<version>v\d+)?"
_ATOM_ID = re.compile(r"arxiv\.org/abs/" + _ID + r"$", re.IGNORECASE)
_OAI_ID = re.compile(r"^oai:arXiv\.org:" + _ID + r"$", re.IGNORECASE)
_ANNOUNCE = re.compile(r"^\s*arXiv:" + _ID + r"\s+Announce Type:\s*[\w-]+\s*(?:Abstract:\s*)?", re.IGNORECASE)


def load(data: bytes, ctx: LoadContext) -> None:
    feed, entries = parse_feed(data, "arXiv API response or RSS feed")
    for entry in entries:
        entry_id = str(entry.get("id") or "")
        if "/api/errors" in entry_id:
            raise ParseError(f"the arXiv API answered with an error: {plain_text(entry.get('summary')) or entry_id}")

    def parse(entry, where):
        row = _row(entry, ctx)
        ctx.saw_date(row["updated"] or row["published"], "published or updated")
        yield row["guid"], row

    accepted = accept_rows(
        ctx, entries, parse, shown=_brief, describe=lambda guid: f"arXiv {guid.removeprefix('arxiv:')}",
        empty_error=f"none of the {len(entries)} entries is an arXiv paper; is this an arXiv feed?",
    )
    ctx.upsert(FeedItem, ("source_id", "guid"), accepted.values())


def _brief(entry) -> dict:
    return {"id": str(entry.get("id") or "")[:200], "title": str(entry.get("title") or "")[:200]}


def _row(entry: dict, ctx: LoadContext) -> dict:
    raw_summary = entry_summary(entry)
    match = _ATOM_ID.search(str(entry.get("id") or "")) or _OAI_ID.search(str(entry.get("id") or ""))
    announce = _ANNOUNCE.match(plain_text(raw_summary)) if raw_summary else None
    if not match:
        match = announce
    if not match:
        raise ValueError(f"not an arXiv entry: its id {str(entry.get('id') or '')[:80]!r} names no arXiv paper")
    arxiv_id = match["id"]
    version = match["version"] or (announce["version"] if announce and announce["id"] == arxiv_id else "") or ""
    if announce:
        # Keep the abstract only; the announcement header is arXiv's bookkeeping.
        raw_summary = _ANNOUNCE.sub("", plain_text(raw_summary), count=1)
    title = plain_text(entry.get("title"), 1000)
    if not title:
        raise ValueError(f"arXiv {arxiv_id} has no title")
    published = entry_datetime(entry, "published") or entry_datetime(entry, "updated")
    return {
        "source_id": ctx.source.pk,
        "guid": f"arxiv:{arxiv_id}",
        "title": title,
        "link": f"https://arxiv.org/abs/{arxiv_id}{version}",
        "summary": summary_html(raw_summary, SUMMARY_MAX_CHARS),
        "authors": _authors(entry),
        "categories": entry_categories(entry),
        "arxiv_id": arxiv_id,
        "published": published,
        "updated": entry_datetime(entry, "updated"),
    }


def _authors(entry: dict) -> list[str]:
    names = []
    for person in entry.get("authors") or []:
        for name in re.split(r",\s*|\s+and\s+", plain_text(person.get("name") or "")):
            name = name.strip()
            if name and name not in names:
                names.append(name[:300])
    return names
