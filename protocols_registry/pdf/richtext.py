"""Turn Wagtail rich text into Typst markup for the tagged PDFs.

Paragraphs, headings, (nested) lists, bold, italic, links and line breaks are
kept, so the PDF's structure tree has the same paragraphs, lists and headings as
the web page. Anything else is reduced to its text; text goes in as Typst string
literals (see tagged.lit), so user input can never inject markup.
"""

from html.parser import HTMLParser

from wagtail.rich_text import expand_db_html

from protocols_registry.pdf.tagged import lit

_INLINE = {"b": "strong", "strong": "strong", "i": "emph", "em": "emph"}
_BLOCKS = {"p", "h2", "h3", "h4", "h5", "h6", "li"}
_SAFE_LINKS = ("http://", "https://", "mailto:")


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks = []  # (kind, list type or None, list depth, markup)
        self.current = []
        self.current_kind = "p"
        self.lists = []  # stack of "ul"/"ol"
        self.open_inline = []  # the inline tags whose "[" is still open

    def _flush(self):
        self.current.append("]" * len(self.open_inline))
        self.open_inline = []
        markup = "".join(self.current)
        if any(part.startswith("#(") for part in self.current):
            list_type = (
                self.lists[-1] if self.lists and self.current_kind == "li" else None
            )
            self.blocks.append((self.current_kind, list_type, len(self.lists), markup))
        self.current = []

    def handle_starttag(self, tag, attrs):
        if tag in ("ul", "ol"):
            self._flush()
            self.lists.append(tag)
        elif tag in _BLOCKS:
            self._flush()
            # A paragraph inside a list item stays part of the item.
            self.current_kind = "li" if tag == "p" and self.lists else tag
        elif tag in _INLINE:
            self.current.append(f"#{_INLINE[tag]}[")
            self.open_inline.append(tag)
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            if href.startswith(_SAFE_LINKS):
                self.current.append(f"#link({lit(href)})[")
                self.open_inline.append(tag)
        elif tag == "br":
            self.current.append("#linebreak()")

    def handle_endtag(self, tag):
        if tag in ("ul", "ol"):
            self._flush()
            if self.lists:
                self.lists.pop()
            self.current_kind = "li" if self.lists else "p"
        elif tag in _BLOCKS:
            self._flush()
            self.current_kind = "li" if self.lists else "p"
        elif tag in self.open_inline:
            # Close up to and including the innermost tag of this name.
            while self.open_inline:
                self.current.append("]")
                if self.open_inline.pop() == tag:
                    break

    def handle_data(self, data):
        data = " ".join(data.split("\n"))
        if data.strip() or (self.current and data):
            self.current.append(f"#({lit(data)})")

    def close(self):
        super().close()
        self._flush()


def richtext_markup(html, heading_level=2):
    """Typst markup for one rich text value (Wagtail's database format). Its
    headings, whatever their HTML level, sit one level under the section's."""
    if not html:
        return ""
    collector = _Collector()
    collector.feed(expand_db_html(html))
    collector.close()
    out = []
    previous_was_item = False
    for kind, list_type, depth, markup in collector.blocks:
        if kind == "li":
            marker = "+" if list_type == "ol" else "-"
            out.append("  " * max(depth - 1, 0) + f"{marker} {markup}\n")
            previous_was_item = True
            continue
        if previous_was_item:
            out.append("\n")
            previous_was_item = False
        if kind.startswith("h"):
            out.append(f"#heading(level: {heading_level})[{markup}]\n\n")
        else:
            out.append(f"#par[{markup}]\n\n")
    if previous_was_item:
        out.append("\n")
    return "".join(out)
