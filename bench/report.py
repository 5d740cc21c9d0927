"""The one table the benchmark prints: figure | value | reference | target | result."""

from dataclasses import dataclass

HEADERS = ("figure", "value", "reference", "target", "result")


@dataclass
class Row:
    figure: str
    value: str
    reference: str = "—"
    target: str = "—"
    result: str = "info"  # PASS, FAIL or info

    def cells(self):
        return (self.figure, self.value, self.reference, self.target, self.result)


def verdict(ok):
    return "PASS" if ok else "FAIL"


def render_text(rows):
    table = [HEADERS] + [row.cells() for row in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADERS))]

    def line(cells):
        return " | ".join(
            cell.ljust(width) for cell, width in zip(cells, widths, strict=True)
        )

    rule = "-+-".join("-" * width for width in widths)
    return "\n".join([line(HEADERS), rule] + [line(row.cells()) for row in rows])


def render_markdown(rows, title=None, notes=None):
    def escape(cell):
        return cell.replace("|", "\\|")

    out = []
    if title:
        out += [f"# {title}", ""]
    out.append("| " + " | ".join(HEADERS) + " |")
    out.append("|" + "|".join("---" for _ in HEADERS) + "|")
    for row in rows:
        out.append("| " + " | ".join(escape(cell) for cell in row.cells()) + " |")
    if notes:
        out += ["", "## Diagnostics", "", "```", notes.rstrip(), "```"]
    return "\n".join(out) + "\n"


def ms(seconds):
    return f"{seconds * 1000:.1f} ms"


def number(value, digits=0):
    return f"{value:,.{digits}f}".replace(",", " ")
