"""How a claim is cited: BibTeX for people, schema.org ClaimReview JSON-LD for machines."""

import json

from django.utils import timezone

# ClaimReview ratings: 1 (false) .. 5 (true); unresolved statuses get no number.
RATINGS = {
    "resolved_true": 5,
    "supported": 4,
    "mixed": 3,
    "resolved_partly": 3,
    "contradicted": 2,
    "resolved_false": 1,
}


def _bibtex_escape(text: str) -> str:
    return "".join("\\" + c if c in "{}%&$#_" else c for c in text)


def bibtex(claim, permalink: str) -> str:
    author = claim.person.name if claim.person else "Unnamed author"
    fields = [
        ("title", claim.title),
        ("author", author),
        ("year", str(claim.date_made.year) if claim.date_made else "n.d."),
        ("howpublished", f"Claimwatch, \\url{{{permalink}}}"),
        ("note", f"Quoted from: {claim.source.title[:200]}" if claim.source else "Claimwatch claim record"),
        ("urldate", timezone.now().date().isoformat()),
    ]
    body = ",\n".join(f"  {name} = {{{_bibtex_escape(value) if name != 'howpublished' else value}}}"
                      for name, value in fields)
    return f"@misc{{claimwatch:{claim.slug},\n{body}\n}}"


def claim_review(claim, permalink: str) -> str:
    """JSON-LD text, escaped so it cannot close its <script> element."""
    rating = {"@type": "Rating", "alternateName": claim.get_status_display()}
    if claim.status in RATINGS:
        rating.update(ratingValue=RATINGS[claim.status], bestRating=5, worstRating=1)
    item = {"@type": "Claim", "name": claim.statement}
    if claim.person:
        item["author"] = {"@type": "Person", "name": claim.person.name}
    if claim.date_iso:
        item["datePublished"] = claim.date_iso
    if claim.source:
        appearance = {"@type": "CreativeWork", "name": claim.source.title}
        if claim.source.url:
            appearance["url"] = claim.source.url
        item["appearance"] = appearance
    data = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": permalink,
        "claimReviewed": claim.statement,
        "datePublished": claim.created.date().isoformat(),
        "dateModified": claim.updated.date().isoformat(),
        "author": {"@type": "Organization", "name": "Claimwatch"},
        "reviewRating": rating,
        "itemReviewed": item,
    }
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
