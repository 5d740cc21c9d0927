"""The public list at a large size: page 1, the party filter and a search, each
timed in process (uncached), its queries counted, and every query it sends shown
to PostgreSQL's EXPLAIN, so that a figure can be told from the plan that made it.

``python -m bench --list-protocols 100000`` seeds only protocols (in bulk, as the
full run does) and takes these figures, without the hours the rest of the full run
needs at that size. The full run takes the same plan check at its largest size.

A plan passes when PostgreSQL reads the protocol tables through an index: no
sequential scan of a table it expects more than ``SEQ_SCAN_ROWS`` rows from, in
any query of the request. Its top node (and the indexes it uses) is printed
beside the figure.
"""

import json

from bench.progress import stage
from bench.report import ms, verdict

LIST_QUERY_LIMIT = 15
LIST_P50_SECONDS = 0.050
# A sequential scan that reads a few rows (the 200 organisations, the sites, an
# EXISTS that stops at its first match) is the cheapest plan and no sign of a
# missing index.
SEQ_SCAN_ROWS = 1_000
SEARCH = "kandidaat-huurders"
# Samples per figure. With 20 (and 2 requests to warm up) the p50 of the same
# figure differed by up to half between runs of the same code on a quiet machine;
# some 50 ms a request, this takes a few seconds per figure. The warm-up requests
# fill PostgreSQL's buffers with the list's index pages and the app-level caches.
SAMPLES = 60
WARMUP = 10


def probes(index_url, party):
    return {
        "list, page 1": index_url,
        "list, party filter": f"{index_url}?party={party}",
        "list, search": f"{index_url}?q={SEARCH}",
    }


def _nodes(plan):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def _rows_read(node):
    """Rows a scan actually read: those it returned and those its filter removed
    (a ``LIMIT 1`` that stops at the first row read no table)."""
    loops = node.get("Actual Loops", 1)
    return (node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)) * loops


def explain(url):
    """EXPLAIN ANALYZE every query one uncached GET of ``url`` sends. Returns a list
    of dicts: sql, top node, milliseconds, indexes used, big sequential scans."""
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        return []
    client = Client()
    with override_settings(PROTOCOLS_REGISTRY_CACHE_SECONDS=0):
        client.get(url)  # warm the app-level caches, as the timed requests are
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        queries = [query["sql"] for query in captured.captured_queries]
    plans = []
    with connection.cursor() as cursor:
        for sql in queries:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
            found = cursor.fetchone()[0]
            document = found if isinstance(found, list) else json.loads(found)
            plan = document[0]["Plan"]
            nodes = list(_nodes(plan))
            plans.append(
                {
                    "sql": sql,
                    "top": plan["Node Type"],
                    "ms": document[0].get("Execution Time", 0.0),
                    "indexes": sorted(
                        {node["Index Name"] for node in nodes if "Index Name" in node}
                    ),
                    "seq_scans": sorted(
                        {
                            node["Relation Name"]
                            for node in nodes
                            if node["Node Type"] == "Seq Scan"
                            and _rows_read(node) > SEQ_SCAN_ROWS
                        }
                    ),
                }
            )
    return plans


def plan_summary(plans):
    """(text, ok): the slowest query's top node and the indexes of the request."""
    if not plans:
        return "no PostgreSQL", True
    slowest = max(plans, key=lambda plan: plan["ms"])
    indexes = sorted({name for plan in plans for name in plan["indexes"]})
    seq_scans = sorted({name for plan in plans for name in plan["seq_scans"]})
    text = (
        f"slowest of {len(plans)} queries: {slowest['top']}, {slowest['ms']:.1f} ms; "
        f"indexes: {', '.join(indexes) or 'none'}"
    )
    if seq_scans:
        text += f"; sequential scans: {', '.join(seq_scans)}"
    return text, bool(indexes) and not seq_scans


def plan_rows(benchmark, urls, size):
    """One PASS/FAIL row per list query: its plan uses indexes; and each query's
    top node and time among the run's notes."""
    for label, url in urls.items():
        plans = explain(url)
        text, ok = plan_summary(plans)
        benchmark.notes.append(
            f"plans, {label} at {size:,}: "
            + "; ".join(f"{plan['top']} {plan['ms']:.1f} ms" for plan in plans)
        )
        benchmark.row(
            f"{label} at {size:,} protocols: query plan (EXPLAIN ANALYZE)",
            text,
            target="indexes, no big sequential scan",
            result=verdict(ok),
        )


def resume(seeder):
    """Take up the protocols an earlier run seeded (--reuse-database): the list,
    the organisations and the decision numbers used. False on an empty database."""
    from bench.seed.protocols import HOME_ORGANISATION, SEED_REFERENCE
    from protocols_registry.models import Organisation, ProtocolIndexPage, ProtocolPage

    if not ProtocolPage.objects.filter(reference=SEED_REFERENCE).exists():
        return False
    seeder.index = ProtocolIndexPage.objects.get()
    seeder.home = Organisation.objects.get(enterprise_number=HOME_ORGANISATION)
    seeder.organisations = list(Organisation.objects.order_by("pk"))
    for reference in ProtocolPage.objects.values_list("reference", flat=True):
        year, body, number = reference.split("_")
        key = (int(year), body)
        seeder.numbers[key] = max(seeder.numbers.get(key, 10_000), int(number))
    return True


def run(benchmark, size):
    """Seed ``size`` protocols (nothing else) and take the list figures."""
    from bench import measure
    from bench.__main__ import settle
    from bench.seed.protocols import ProtocolSeeder

    seeder = ProtocolSeeder(wagtail_index=False)
    if not resume(seeder):
        with stage("organisations, the seed protocol and a current one"):
            seeder.base()
    with stage(f"{size:,} protocols"):
        seeder.grow(size)
        settle()
    urls = probes(seeder.index.url, seeder.home.enterprise_number)
    for label, url in urls.items():
        figures = measure.page_figures(url, repeat=SAMPLES, warmup=WARMUP)
        ok = (
            figures["queries"] <= LIST_QUERY_LIMIT
            and figures["median"] <= LIST_P50_SECONDS
        )
        benchmark.row(
            f"{label} at {size:,} protocols: median / p95 of {SAMPLES}, queries",
            f"{ms(figures['median'])} / {ms(figures['p95'])}, {figures['queries']} q",
            "10,000 protocols before issue 22: party 119 ms, search 130 ms",
            f"p50 ≤ {LIST_P50_SECONDS * 1000:.0f} ms, ≤ {LIST_QUERY_LIMIT} queries",
            verdict(ok),
        )
    plan_rows(benchmark, urls, size)
