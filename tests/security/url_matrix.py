"""Every URL the project serves, made concrete with real objects, and how a response
is classified. Used by test_url_matrix.py; the expectations live in url_matrix.json.
"""

import json
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern

EXPECTATIONS = Path(__file__).with_name("url_matrix.json")
ROLES = ["anonymous", "dpo", "secretary", "editor", "officer", "auditor", "admin"]
METHODS = ["GET", "POST"]


@dataclass
class Route:
    key: str  # the name the expectations use: "namespace:name" or the route itself
    name: str | None
    route: str
    pattern: object


def enumerate_routes():
    """Every URL pattern of the project, with its full route and namespaced name."""
    routes = []

    def walk(patterns, prefix, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = (
                        f"{namespace}:{entry.namespace}"
                        if namespace
                        else entry.namespace
                    )
                walk(entry.url_patterns, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                route = prefix + str(entry.pattern)
                name = (
                    f"{namespace}:{entry.name}"
                    if namespace and entry.name
                    else entry.name
                )
                routes.append(Route(name or route, name, route, entry.pattern))

    walk(get_resolver().url_patterns, "", None)
    # The same view can be reachable twice (the language prefix): keep one entry.
    unique = {}
    for route in routes:
        unique.setdefault(route.key, route)
    return list(unique.values())


# Pages served by Wagtail's catch-all pattern, tested one by one.
PAGE_KEYS = [
    "page:home",
    "page:protocol-list",
    "page:protocol",
    "page:protocol-pdf",
    "page:protocol-version",
    "page:protocol-feed",
    "page:protocol-by-reference",
    "page:protocol-draft",
    "page:register",
    "page:register-activity",
    "page:register-export-csv",
    "page:register-export-json",
    "page:register-export-jsonld",
    "page:english-protocol",
    "page:shared-protocol",
    "page:shared-protocol-pdf",
]


def page_urls(samples):
    # The address on the default site (the samples have a second site).
    protocol_url = samples.protocol.relative_url(samples.site)
    return {
        "page:home": "/",
        "page:protocol-list": "/protocollen/",
        "page:protocol": protocol_url,
        "page:protocol-pdf": protocol_url + "pdf/",
        "page:protocol-version": protocol_url + "versies/1/",
        "page:protocol-feed": "/protocollen/feed/",
        # The reference as printed on the decision redirects to the protocol.
        "page:protocol-by-reference": f"/protocollen/{samples.protocol.reference}/",
        "page:protocol-draft": f"/protocollen/{samples.draft.slug}/",
        "page:register": "/verwerkingsregister/",
        "page:register-activity": f"/verwerkingsregister/{samples.activity.reference}/",
        "page:register-export-csv": "/verwerkingsregister/export.csv",
        "page:register-export-json": "/verwerkingsregister/export.json",
        "page:register-export-jsonld": "/verwerkingsregister/export.jsonld",
        "page:english-protocol": "/en" + protocol_url,
        # A protocol another site publishes with this site's organisation as a
        # party, under this site's address; its sub-routes redirect to the other.
        "page:shared-protocol": f"/protocollen/{samples.shared.slug}/",
        "page:shared-protocol-pdf": f"/protocollen/{samples.shared.slug}/pdf/",
    }


def _kwarg_value(route, kwarg, converter, samples):
    """A real value for one URL parameter, chosen by namespace and parameter name."""
    namespace = (route.name or "").split(":")[0]
    if namespace.startswith(("wagtailsnippets_", "wagtailsnippetchoosers_")):
        model = namespace.split("_", 2)[2].split("_", 1)[1]
        if kwarg == "pk":
            return str(samples.snippet_pks[model])
    by_namespace = {
        "wagtailusers_users": {"pk": samples.users["dpo"].pk},
        "wagtailusers_groups": {"pk": samples.group.pk},
        "exchanges_admin": {
            "pk": samples.transfer.pk,
            "evidence_id": samples.evidence.pk,
            "grant_id": samples.pending_grant.pk,
            "fmt": "csv",
        },
        "protocols_registry_admin": {"fmt": "csv", "pk": samples.register_build.pk},
        "breaches_admin": {
            "pk": samples.breach.pk,
            "notification_id": samples.notification.pk,
            "fmt": "csv",
        },
        "exchanges": {"token": samples.upload_token},
        "protocols_registry": {"name": samples.decision.signed_pdf.name},
        "protocols_registry_public": {
            "index_path": "protocollen",
            "fmt": "csv",
            "register_path": "verwerkingsregister",
        },
        "wagtailsites": {"pk": samples.site.pk},
        "wagtailsettings": {
            "app_name": "protocols_registry",
            "model_name": "siteorganisation",
            "pk": samples.site.pk,
        },
        "wagtailredirects": {"redirect_id": samples.redirect.pk},
    }
    if kwarg in by_namespace.get(namespace, {}):
        return by_namespace[namespace][kwarg]
    generic = {
        "page_id": samples.protocol.pk,
        "parent_page_id": samples.index.pk,
        "revision_id": samples.revision.pk,
        "content_type_app_name": "protocols_registry",
        "content_type_model_name": "protocolpage",
        "app_label": "protocols_registry",
        "model_name": "protocolpage",
    }
    if kwarg in generic:
        return generic[kwarg]
    if converter == "int" or kwarg.endswith(("_id", "pk")):
        return 1
    if converter == "uuid":
        return uuid.UUID(int=1)
    return "x"


def concrete_url(route, samples):
    """A URL for ``route`` with real objects in it, or None for the catch-all."""
    pattern = route.pattern
    if route.name in (None, "wagtail_serve") and isinstance(pattern, RegexPattern):
        return None
    kwargs = {}
    converters = (
        getattr(pattern, "converters", {}) if isinstance(pattern, RoutePattern) else {}
    )
    for kwarg, converter in converters.items():
        kind = type(converter).__name__.replace("Converter", "").lower()
        kwargs[kwarg] = _kwarg_value(route, kwarg, kind, samples)
    # Parameters of the enclosing resolvers (e.g. "<str:app_label>/…") are part of
    # the route string: find them there.
    for piece in route.route.split("<")[1:]:
        spec = piece.split(">", 1)[0]
        converter, _sep, kwarg = spec.rpartition(":")
        if kwarg and kwarg not in kwargs:
            kwargs[kwarg] = _kwarg_value(route, kwarg, converter or "str", samples)
    if route.name:
        try:
            return reverse(route.name, kwargs=kwargs or None)
        except Exception:  # noqa: BLE001, S110 - fall back to the literal route below
            pass
    url = "/" + route.route.lstrip("^").rstrip("$")
    for kwarg, value in kwargs.items():
        for converter in ("int:", "str:", "uuid:", "path:", "slug:", ""):
            url = url.replace(f"<{converter}{kwarg}>", str(value))
    return url


def classify(response):
    """What a response means for access: ok, login, denied, notfound, method, bad,
    throttled, redirect, or error."""
    status = response.status_code
    if 200 <= status < 300:
        return "ok"
    if status in (301, 302, 303, 307, 308):
        location = response.get("Location", "")
        if location.startswith(("/accounts/login/", "/admin/login/")):
            return "login"
        if location.startswith("/accounts/2fa/"):
            return "login"
        if location.split("?")[0] in ("/admin/", "/admin"):
            return "denied"
        return "redirect"
    return {
        400: "bad",
        403: "denied",
        404: "notfound",
        405: "method",
        410: "notfound",
        429: "throttled",
    }.get(status, "error")


def load_expectations():
    if not EXPECTATIONS.exists():
        return {}
    return json.loads(EXPECTATIONS.read_text())


def save_expectations(table):
    EXPECTATIONS.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n")
