import re

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from reports.assembly import REPORT_TEXT_SHOWN

register = template.Library()


@register.filter
def css_string(value):
    """`value` as a quoted CSS string, safe inside <style>: all but letters and digits escaped."""
    escaped = "".join(
        char if char.isascii() and (char.isalnum() or char == " ") else f"\\{ord(char):06x}"
        for char in str(value)
    )
    return mark_safe(f'"{escaped}"')


@register.filter
def excerpt(text):
    """`text` up to the first space after REPORT_TEXT_SHOWN characters, saying where the rest
    is. A word is never cut: one long unbroken word is printed whole (it wraps)."""
    end = next((at for at in range(REPORT_TEXT_SHOWN, len(text)) if text[at].isspace()), len(text))
    if end >= len(text.rstrip()):
        return text
    return f"{text[:end]} … [{len(text) - end:,} more characters in the tracker]"


@register.filter
def plain_text(text):
    """A board's own words as HTML: blank lines separate paragraphs, and lines that start
    with "- " or "* " are a bulleted list. Everything is escaped: no HTML from users."""
    blocks = []
    for block in re.split(r"\n\s*\n", str(text).strip()):
        rows = [row.strip() for row in block.splitlines() if row.strip()]
        if not rows:
            continue
        if all(row[:2] in ("- ", "* ") for row in rows):
            items = format_html_join("", "<li>{}</li>", ((row[2:].strip(),) for row in rows))
            blocks.append(format_html('<ul class="report-list">{}</ul>', items))
        else:
            blocks.append(format_html("<p>{}</p>", " ".join(rows)))
    return mark_safe("\n".join(blocks))


@register.filter
def signed(number):
    """+3, −2 or 0: a change in a count."""
    return f"+{number}" if number > 0 else (f"−{-number}" if number < 0 else "0")


@register.filter
def status_words(status):
    """ "Green (on track)" with the bracket kept whole: a status breaks, if at all, before it."""
    colour, _, meaning = status.label.partition(" (")
    if not meaning:
        return colour
    return format_html('{} <span class="report-nowrap">({}</span>', colour, meaning)
