from django import template

from protocols_registry.fragment_cache import fragment
from protocols_registry.protocol_content import protocol_content

register = template.Library()


class PublicFragmentNode(template.Node):
    def __init__(self, nodelist, name, vary_on):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on

    def render(self, context):
        def render_here():
            # What the part sets ({% protocol_text … as text %}) stays inside it:
            # the rest of the template must not see it on a miss only.
            with context.push():
                return self.nodelist.render(context)

        page = context.get("page")
        if page is not None and page.get_view_restrictions().exists():
            # Never kept, as the page cache never keeps such a page.
            return render_here()
        return fragment(
            context.get("request"),
            self.name,
            [value.resolve(context) for value in self.vary_on],
            render_here,
        )


@register.tag
def public_fragment(parser, token):
    """``{% public_fragment "name" value… %}…{% endpublic_fragment %}``: the part
    between, rendered once per public-cache generation, host, language, day and
    the values given (protocols_registry.fragment_cache). Anything the part reads
    from the database belongs inside it, so that a kept copy saves the queries.
    The part of a page with a view restriction is never kept."""
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError(
            f"'{bits[0]}' takes a quoted name, then the values it varies on."
        )
    nodelist = parser.parse(("endpublic_fragment",))
    parser.delete_first_token()
    return PublicFragmentNode(
        nodelist, bits[1][1:-1], [parser.compile_filter(bit) for bit in bits[2:]]
    )


@register.simple_tag(takes_context=True)
def protocol_text(context, page):
    """What the protocol says besides its page's fields (protocol_content): as
    stored, or in a preview as the edited page holds it."""
    request = context.get("request")
    return protocol_content(page, draft=getattr(request, "is_preview", False))
