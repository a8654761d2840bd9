"""Making text from outside safe to show: everything a feed or file says passes through here.

Titles become plain text (templates escape them on output, so they must not arrive
pre-escaped). Summaries keep a small allow-list of tags; links keep only http(s) URLs and
get rel="nofollow noopener". Images are dropped on purpose: they would load from third
parties (tracking pixels) and our CSP blocks them anyway.
"""

import html
import re

import nh3

SUMMARY_TAGS = {"a", "abbr", "b", "blockquote", "br", "code", "em", "i", "li", "ol", "p", "pre", "strong", "sub", "sup", "ul"}
SUMMARY_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
URL_SCHEMES = {"http", "https"}
# Elements whose text is code or styling, not prose: drop them with their content.
DROP_WITH_CONTENT = {"script", "style", "noscript", "template", "iframe", "object", "svg", "math"}

_SPACE = re.compile(r"\s+")


def plain_text(markup: str | None, max_length: int | None = None) -> str:
    """Any HTML or text -> one line of plain text (tags removed, entities decoded)."""
    if not markup:
        return ""
    text = nh3.clean(str(markup), tags=set(), clean_content_tags=DROP_WITH_CONTENT, attributes={})
    text = _SPACE.sub(" ", html.unescape(text)).strip()
    if max_length and len(text) > max_length:
        text = shorten(text, max_length)
    return text


def summary_html(markup: str | None, max_length: int | None = None) -> str:
    """Untrusted HTML -> HTML that is safe to mark safe in a template."""
    if not markup:
        return ""
    markup = str(markup)
    if max_length and len(markup) > max_length:
        # Cutting may split a tag; nh3 re-parses the cut text and closes what is open.
        markup = markup[:max_length] + "…"
    return nh3.clean(
        markup,
        tags=SUMMARY_TAGS,
        clean_content_tags=DROP_WITH_CONTENT,
        attributes=SUMMARY_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener",
        strip_comments=True,
        attribute_filter=_absolute_links_only,
    ).strip()


def _absolute_links_only(element: str, attribute: str, value: str) -> str | None:
    # Relative and fragment links ('#fn1', '/pictures/x') point nowhere once the text
    # leaves its site; url_schemes alone lets them through.
    if attribute == "href":
        return safe_url(value) or None
    return value


def safe_url(url: str | None) -> str:
    """Only absolute http(s) links survive; anything else (javascript:, data:, relative) -> ''."""
    url = (url or "").strip()
    if re.match(r"(?i)^https?://[^\s/$.?#][^\s]*$", url):
        return url
    return ""


def shorten(text: str, max_length: int) -> str:
    """Cut at a word boundary and mark the cut."""
    if len(text) <= max_length:
        return text
    cut = text[: max_length - 1]
    if " " in cut[max_length // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-") + "…"
