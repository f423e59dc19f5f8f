from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def css_string(value):
    """`value` as a quoted CSS string, safe inside <style>: all but letters and digits escaped."""
    escaped = "".join(
        char if char.isascii() and (char.isalnum() or char == " ") else f"\\{ord(char):06x}"
        for char in str(value)
    )
    return mark_safe(f'"{escaped}"')
