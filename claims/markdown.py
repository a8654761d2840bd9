"""Editor notes: Markdown in, sanitised HTML out (the queue and the public claim page)."""

import nh3
from markdown_it import MarkdownIt

# Raw HTML in a note is shown as text (html=False); nh3 then cleans what Markdown made,
# so even a parser bug cannot smuggle a script or a javascript: link through.
_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(["table", "strikethrough"])

ALLOWED_TAGS = {
    "p", "br", "hr", "em", "strong", "s", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}


def render_markdown(text: str | None) -> str:
    if not text:
        return ""
    html = _md.render(str(text))
    # Notes sit under page headings: demote h1/h2 so a note cannot outrank the page.
    html = html.replace("<h1>", "<h3>").replace("</h1>", "</h3>").replace("<h2>", "<h4>").replace("</h2>", "</h4>")
    return nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer", strip_comments=True,
    ).strip()
