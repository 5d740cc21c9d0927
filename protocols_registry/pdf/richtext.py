"""Turn Wagtail rich text into reportlab flowables.

Reportlab's Paragraph understands a small inline markup (<b>, <i>, <a>, <br/>);
block structure (paragraphs, lists, headings) is rebuilt here from the HTML.
Anything else is reduced to its text, so user input can never inject markup.
"""

from html.parser import HTMLParser
from xml.sax.saxutils import escape, quoteattr

from reportlab.platypus import ListFlowable, ListItem, Paragraph
from wagtail.rich_text import expand_db_html

_INLINE = {"b": "b", "strong": "b", "i": "i", "em": "i"}
_BLOCKS = {"p", "h2", "h3", "h4", "h5", "h6", "li"}


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks = []  # (kind, depth_list_type_or_None, markup)
        self.current = []
        self.current_kind = "p"
        self.lists = []  # stack of "ul"/"ol"

    def _flush(self):
        markup = "".join(self.current).strip()
        if markup:
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
            self.current_kind = tag
        elif tag in _INLINE:
            self.current.append(f"<{_INLINE[tag]}>")
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            if href.startswith(("http://", "https://", "mailto:", "/")):
                self.current.append(f"<a href={quoteattr(href)} color='#0b4f8a'>")
            else:
                self.current.append("<a>")
        elif tag == "br":
            self.current.append("<br/>")

    def handle_endtag(self, tag):
        if tag in ("ul", "ol"):
            self._flush()
            if self.lists:
                self.lists.pop()
            self.current_kind = "li" if self.lists else "p"
        elif tag in _BLOCKS:
            self._flush()
            self.current_kind = "li" if self.lists else "p"
        elif tag in _INLINE:
            self.current.append(f"</{_INLINE[tag]}>")
        elif tag == "a":
            self.current.append("</a>")

    def handle_data(self, data):
        self.current.append(escape(data))

    def close(self):
        super().close()
        self._flush()


def richtext_flowables(html, styles):
    """Flowables for one rich text value (Wagtail's database format)."""
    if not html:
        return []
    collector = _Collector()
    collector.feed(expand_db_html(html))
    collector.close()
    flowables = []
    pending_items = []
    pending_type = None

    def flush_list():
        nonlocal pending_items, pending_type
        if pending_items:
            flowables.append(
                ListFlowable(
                    pending_items,
                    bulletType="1" if pending_type == "ol" else "bullet",
                    start=None if pending_type == "ol" else "•",
                    leftIndent=12,
                    bulletFontSize=8,
                )
            )
        pending_items, pending_type = [], None

    for kind, list_type, _depth, markup in collector.blocks:
        if kind == "li":
            if pending_type and pending_type != list_type:
                flush_list()
            pending_type = list_type
            pending_items.append(ListItem(Paragraph(markup, styles["body"])))
            continue
        flush_list()
        style = styles["h2"] if kind.startswith("h") else styles["body"]
        flowables.append(Paragraph(markup, style))
    flush_list()
    return flowables
