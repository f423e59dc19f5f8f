from django import template
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
