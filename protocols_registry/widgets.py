"""Form widgets of the public pages."""

import html

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


def _text(value):
    # As format_html() escapes its arguments (conditional_escape): safe strings as
    # they are, everything else through html.escape, which Django's escape() calls.
    # Written out because an option costs a call of each per value otherwise
    # (some 200 options in the party filter).
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _attributes(attrs):
    # As django/forms/widgets/attrs.html: False leaves the attribute out, True
    # writes its name alone.
    return format_html_join(
        "",
        "{}",
        (
            (
                format_html(" {}", name)
                if value is True
                else format_html(' {}="{}"', name, value),
            )
            for name, value in attrs.items()
            if value is not False
        ),
    )


class PlainSelect(forms.Select):
    """A <select> written in Python, the same markup as Django's template.

    The party filter offers every organisation that is party to a listed protocol
    (some 200 in the benchmark). Django renders each option through two template
    includes: 47 ms of a list request at 100 000 protocols, more than all its
    queries together. Widget.render() is the public place to render otherwise."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        # Django gives each option outside a group a group of its own: the markup
        # is joined as plain strings, every value escaped by _text(), and marked
        # safe once.
        groups = []
        for group_name, options, _index in widget["optgroups"]:
            rendered = "".join(
                # Each option ends in a newline, as Django's included template does.
                f'\n  <option value="{_text(option["value"])}"'
                f"{_attributes(option['attrs']) if option['attrs'] else ''}>"
                f"{_text(option['label'])}</option>\n"
                for option in options
            )
            if group_name:
                rendered = (
                    f'\n  <optgroup label="{_text(group_name)}">{rendered}\n'
                    "  </optgroup>"
                )
            groups.append(rendered)
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            widget["name"],
            _attributes(widget["attrs"]),
            mark_safe("".join(groups)),  # noqa: S308 - every value escaped by _text()
        )
