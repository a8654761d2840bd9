"""How a claim is cited: BibTeX and meta tags for people and reference managers,
schema.org JSON-LD for machines.

Nothing here guesses: an unknown date gives no year (not "n.d."), a claim with no
rating is described as a Claim (not reviewed), and an author is only named when the
record names one (the claimant, the source's author, or else its publisher).
"""

import datetime as dt
import json
from dataclasses import dataclass

from .dates import Precision

# ClaimReview ratings: 1 (false) .. 5 (true); open and unresolvable claims get none.
RATINGS = {
    "resolved_true": 5,
    "supported": 4,
    "mixed": 3,
    "resolved_partly": 3,
    "contradicted": 2,
    "resolved_false": 1,
}
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


@dataclass(frozen=True)
class Author:
    name: str
    is_organisation: bool


def author_of(claim) -> Author | None:
    """The claimant; for the essays' own claims, the source's author or else its publisher."""
    if claim.person:
        return Author(claim.person.name, False)
    if claim.source and claim.source.author:
        return Author(claim.source.author, False)
    if claim.source and claim.source.publisher:
        return Author(claim.source.publisher, True)
    return None


def _bibtex_escape(text: str) -> str:
    return "".join("\\" + c if c in "{}%&$#_" else c for c in text)


def bibtex(claim, permalink: str, accessed: dt.date) -> str:
    author = author_of(claim)
    fields = [("title", _bibtex_escape(claim.title))]
    if author:
        # Double braces keep an organisation's name from being split into first/last names.
        name = _bibtex_escape(author.name)
        fields.append(("author", f"{{{name}}}" if author.is_organisation else name))
    if claim.date_made and claim.date_precision != Precision.UNKNOWN:
        fields.append(("year", str(claim.date_made.year)))
        if claim.date_precision in (Precision.MONTH, Precision.DAY):
            fields.append(("month", _MONTHS[claim.date_made.month - 1]))
    fields.append(("howpublished", "Claimwatch claim record"))
    fields.append(("url", permalink))
    fields.append(("urldate", accessed.isoformat()))
    if claim.source:
        origin = claim.source.title[:200]
        if claim.source.publisher:
            origin += f", {claim.source.publisher}"
        fields.append(("note", "Quoted from: " + _bibtex_escape(origin)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{claimwatch:{claim.slug},\n{body}\n}}\n"


def meta_tags(claim, permalink: str) -> list[tuple[str, str]]:
    """(name, content) pairs for Highwire/Google Scholar citation_* tags."""
    tags = [("citation_title", claim.title)]
    author = author_of(claim)
    if author:
        tags.append(("citation_author", author.name))
    if claim.date_iso:
        tags.append(("citation_publication_date", claim.date_iso.replace("-", "/")))
    tags.append(("citation_public_url", permalink))
    tags.append(("citation_publisher", "Claimwatch"))
    return tags


def _author_ld(author: Author | None) -> dict | None:
    if not author:
        return None
    return {"@type": "Organization" if author.is_organisation else "Person", "name": author.name}


def _claim_ld(claim) -> dict:
    item = {"@type": "Claim", "name": claim.title, "text": claim.statement}
    author = _author_ld(author_of(claim))
    if author:
        item["author"] = author
    if claim.date_iso:
        item["datePublished"] = claim.date_iso
    if claim.source:
        appearance = {"@type": "CreativeWork", "name": claim.source.title}
        if claim.source.url:
            appearance["url"] = claim.source.url
        if claim.source.publisher:
            appearance["publisher"] = {"@type": "Organization", "name": claim.source.publisher}
        item["firstAppearance"] = appearance
    return item


def structured_data(claim, permalink: str) -> dict:
    """ClaimReview when Claimwatch has rated the claim; otherwise the Claim itself."""
    item = _claim_ld(claim)
    if claim.status not in RATINGS:
        return {"@context": "https://schema.org", **item, "url": permalink}
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": permalink,
        "claimReviewed": claim.statement,
        "datePublished": claim.created.date().isoformat(),
        "dateModified": claim.updated.date().isoformat(),
        "author": {"@type": "Organization", "name": "Claimwatch"},
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": RATINGS[claim.status],
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": claim.get_status_display(),
        },
        "itemReviewed": item,
    }


def claim_review(claim, permalink: str) -> str:
    """JSON-LD text, escaped so it cannot close its <script> element."""
    text = json.dumps(structured_data(claim, permalink), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
