"""The demo's logos: a plain mark per organisation, drawn here rather than copied.

The real organisations' logos are their trademarks and have no place in the repo;
a coloured tile with the organisation's initials and "voorbeeld" shows where a
site's logo goes (header, beside the site name) without pretending to be theirs.
Pillow (a Wagtail dependency) draws it with its built-in font, so no font file or
download is needed.
"""

import io

from django.core.files.images import ImageFile
from PIL import Image as PillowImage
from PIL import ImageDraw, ImageFont
from wagtail.images.models import Image
from wagtail.models import Collection

# Initials and tile colour per enterprise number (contrast ≥ 4.5:1 with white).
MARKS = {
    "0212214125": ("OCMW", (0, 84, 147)),
    "0400032156": ("TG", (0, 110, 62)),
}
SIZE = (240, 120)
TITLE = "Voorbeeldlogo {name}"


def _draw(initials, colour):
    tile = PillowImage.new("RGB", SIZE, colour)
    draw = ImageDraw.Draw(tile)
    draw.text(
        (SIZE[0] // 2, 52),
        initials,
        fill="white",
        font=ImageFont.load_default(size=56),
        anchor="mm",
    )
    draw.text(
        (SIZE[0] // 2, 100),
        "voorbeeld",
        fill="white",
        font=ImageFont.load_default(size=20),
        anchor="mm",
    )
    data = io.BytesIO()
    tile.save(data, format="PNG")
    return data


def demo_logo(organisation):
    """The demo logo of ``organisation`` (a Wagtail image), made once; None for an
    organisation the demo has no mark for."""
    mark = MARKS.get(organisation.enterprise_number)
    if mark is None:
        return None
    title = TITLE.format(name=organisation.name)
    existing = Image.objects.filter(title=title).first()
    if existing:
        return existing
    if Collection.get_first_root_node() is None:
        # Wagtail's migration makes the root collection; a test database flushed
        # between tests has none.
        Collection.add_root(name="Root")
    data = _draw(*mark)
    slug = organisation.enterprise_number
    return Image.objects.create(
        title=title, file=ImageFile(data, name=f"demo-logo-{slug}.png")
    )
