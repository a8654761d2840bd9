from django import template
from django.utils.safestring import mark_safe

from claims.markdown import render_markdown
from ingest.sanitize import safe_url, summary_html


register = template.Library()


@register.filter
def markdown_safe(text):
    """An editor's Markdown note as sanitised HTML (safe to mark safe: nh3 has cleaned it)."""
    return mark_safe(render_markdown(text))  # noqa: S308 (cleaned by nh3 just above)


@register.filter
def sanitised_summary(markup, max_length=600):
    # Feed summaries were cleaned at ingest; cleaning again at output costs little and
    # protects against rows written by older code or by hand.
    return mark_safe(summary_html(markup, max_length=int(max_length)))  # noqa: S308


@register.filter
def http_url(url):
    return safe_url(url)


@register.filter
def iso_datetime(value):
    """A <time datetime> value: ISO 8601 to the second (the HTML spec allows at most milliseconds)."""
    if not value:
        return ""
    from django.utils import timezone

    return timezone.localtime(value).isoformat(timespec="seconds")
