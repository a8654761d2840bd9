"""Any RSS 0.9x/2.0, RSS 1.0 (RDF), Atom or JSON Feed v1 -> FeedItem rows.

feedparser reads the XML flavours, whatever their encoding (GB2312 included) or
namespace quirks (a default namespace on <rss>, an Atom feed named .rss); JSON Feed is
read with the json module. A feed that is "bozo" (not well-formed) but still parsed is
fine; a body that is not a feed at all fails the run with a message. An empty channel is
a successful run with nothing in it.

Per item:
- guid: the feed's own id; else the link; else a hash of the content (stable across runs,
  so a re-run updates rather than duplicates). A guid marked isPermaLink that is not a
  URL stays an id only: the link comes from <link>.
- title: plain text; an item without one gets a title derived from its summary, and an
  item with neither is rejected with a reason.
- summary: sanitised HTML (ingest.sanitize); authors and categories as lists.
"""

import datetime as dt
import hashlib
import io
import json
import re

import feedparser

from ..models import FeedItem
from ..sanitize import plain_text, safe_url, shorten, summary_html
from .base import LoadContext, ParseError
from .rows import accept_rows

SUMMARY_MAX_CHARS = 20_000
TITLE_FROM_SUMMARY_CHARS = 120
_SLASH_DATE = re.compile(r"^\s*(\d{4})/(\d{1,2})/(\d{1,2})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*$")
_ARXIV_LINK = re.compile(r"arxiv\.org/(?:abs|pdf)/(?P<id>(?:[a-z-]+(?:\.[A-Z]{2})?/\d{7}|\d{4}\.\d{4,5}))(?:v\d+)?",
                         re.IGNORECASE)


class Entry(dict):
    """One feed entry normalised across RSS, Atom and JSON Feed (a feedparser-like dict)."""


def parse_feed(data: bytes, what: str = "feed") -> tuple[dict, list[dict]]:
    """Bytes -> (feed metadata, entries). Raises ParseError when the body is not a feed."""
    head = data.lstrip()[:1]
    if head in (b"{", b"["):
        return _parse_json_feed(data, what)
    if not data.strip():
        raise ParseError(f"the {what} is empty: no bytes to parse")
    # A BytesIO, never the bytes themselves: feedparser treats a bare string argument
    # as a file name or URL and would open it.
    parsed = feedparser.parse(io.BytesIO(data), sanitize_html=False, resolve_relative_uris=True)
    if not parsed.get("version"):
        problem = parsed.get("bozo_exception")
        start = data.lstrip()[:200].lower()
        if start.startswith((b"<!doctype html", b"<html")):
            kind = "an HTML page"
        else:
            kind = "not RSS, Atom or JSON Feed"
        detail = f" ({type(problem).__name__}: {problem})" if problem else ""
        raise ParseError(f"this is {kind}, not a {what}{detail}")
    return dict(parsed.get("feed", {})), list(parsed.get("entries", []))


def _parse_json_feed(data: bytes, what: str) -> tuple[dict, list[dict]]:
    document = _json_document(data, what)
    items = document.get("items")
    if not isinstance(items, list):
        raise ParseError("this JSON Feed has no 'items' list")
    feed_authors = _json_authors(document)
    return {"title": document.get("title", "")}, [_json_entry(item, feed_authors) for item in items]


def _json_entry(item, feed_authors: list[dict]) -> "Entry":
    if not isinstance(item, dict):
        return Entry(_invalid="item is not a JSON object")
    return Entry(
        id=str(item.get("id") or ""),
        title=item.get("title") or "",
        link=item.get("url") or item.get("external_url") or "",
        summary=item.get("summary") or item.get("content_html") or item.get("content_text") or "",
        authors=_json_authors(item) or feed_authors,
        tags=[{"term": str(tag)} for tag in item.get("tags") or []],
        published=item.get("date_published") or "",
        updated=item.get("date_modified") or "",
        _iso_dates=True,
    )


def _json_document(data: bytes, what: str) -> dict:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ParseError(f"the JSON {what} is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise ParseError(f"the JSON {what} is not valid JSON ({exc}); the file looks cut off or damaged") from None
    if not isinstance(document, dict) or not str(document.get("version", "")).startswith("https://jsonfeed.org/version/"):
        raise ParseError("this JSON is not a JSON Feed: no 'version' of https://jsonfeed.org/version/…")
    return document


def _json_authors(obj: dict) -> list[dict]:
    people = obj.get("authors") or ([obj["author"]] if isinstance(obj.get("author"), dict) else [])
    return [{"name": p.get("name") or ""} for p in people if isinstance(p, dict)]


def load(data: bytes, ctx: LoadContext) -> None:
    _, entries = parse_feed(data, "feed")

    def parse(entry, where):
        row = item_row(entry, ctx)
        ctx.saw_date(row["updated"] or row["published"], "published or updated")
        yield row["guid"], row

    accepted = accept_rows(ctx, entries, parse, where_prefix="item", shown=_brief,
                           describe=lambda guid: f"guid {guid[:80]!r}", require_some=False)
    ctx.upsert(FeedItem, ("source_id", "guid"), accepted.values())


def item_row(entry: dict, ctx: LoadContext) -> dict:
    """A feed entry -> FeedItem field values. Raises ValueError (with the reason) to reject it."""
    if entry.get("_invalid"):
        raise ValueError(entry["_invalid"])
    link = entry_link(entry)
    summary = summary_html(entry_summary(entry), SUMMARY_MAX_CHARS)
    title = plain_text(entry.get("title"), 1000)
    if not title:
        text = plain_text(summary)
        if not text:
            raise ValueError("no title and no summary to derive one from")
        title = shorten(text, TITLE_FROM_SUMMARY_CHARS)
    published = entry_datetime(entry, "published") or entry_datetime(entry, "updated")
    guid = clean_guid(entry.get("id"))
    if not guid:
        guid = link
    if not guid:
        fingerprint = "\n".join([title, summary, published.isoformat() if published else ""])
        guid = "sha256:" + hashlib.sha256(fingerprint.encode()).hexdigest()
    arxiv = _ARXIV_LINK.search(link or "")
    return {
        "source_id": ctx.source.pk,
        "guid": guid[:1000],
        "title": title[:1000],
        "link": link[:2000],
        "summary": summary,
        "authors": entry_authors(entry),
        "categories": entry_categories(entry),
        "arxiv_id": arxiv["id"][:50] if arxiv else "",
        "published": published,
        "updated": entry_datetime(entry, "updated"),
    }


def clean_guid(value) -> str:
    return re.sub(r"\s+", " ", str(value or "")).strip()


def entry_link(entry: dict) -> str:
    link = safe_url(entry.get("link"))
    if not link:
        for candidate in entry.get("links") or []:
            if candidate.get("rel", "alternate") == "alternate" and safe_url(candidate.get("href")):
                return safe_url(candidate.get("href"))
        # RSS 2.0: a guid that is a permalink is the item's link when <link> is missing.
        if entry.get("guidislink"):
            link = safe_url(entry.get("id"))
    return link


def entry_summary(entry: dict) -> str:
    if entry.get("summary"):
        return entry["summary"]
    for content in entry.get("content") or []:
        if content.get("value"):
            return content["value"]
    return ""


def entry_authors(entry: dict) -> list[str]:
    names = []
    for person in entry.get("authors") or []:
        name = plain_text(person.get("name") or person.get("email") or "", 300)
        if name and name not in names:
            names.append(name)
    if not names and entry.get("author"):
        names.append(plain_text(entry["author"], 300))
    return names


def entry_categories(entry: dict) -> list[str]:
    terms = []
    for tag in entry.get("tags") or []:
        term = plain_text(tag.get("term") or tag.get("label") or "", 200)
        if term and term not in terms:
            terms.append(term)
    return terms


def entry_datetime(entry: dict, field: str) -> dt.datetime | None:
    # dict.get, not entry.get: feedparser maps a missing 'updated' to 'published' (with a
    # deprecation warning), which would invent an update time the feed never gave.
    raw = dict.get(entry, field)
    if not raw:
        return None
    if entry.get("_iso_dates"):
        try:
            value = dt.datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
        except ValueError:
            return None
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    slash = _SLASH_DATE.match(str(raw))
    if slash:
        # '2020/1/10 14:03:00' (kc0011.rss): feedparser misreads it as 1 November 2020.
        # No zone is given; it is taken as UTC rather than guessed.
        year, month, day, hour, minute, second = (int(part or 0) for part in slash.groups())
        try:
            return dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC)
        except ValueError:
            return None
    parsed = dict.get(entry, f"{field}_parsed")
    if parsed:
        try:
            return dt.datetime(*parsed[:6], tzinfo=dt.UTC)  # feedparser normalises to UTC
        except (TypeError, ValueError):
            return None
    return None


def _brief(entry: dict) -> dict:
    return {key: str(entry.get(key) or "")[:200] for key in ("id", "title", "link") if entry.get(key)}
