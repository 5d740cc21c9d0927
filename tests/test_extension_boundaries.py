"""The apps stay an extension: no import of the project, protocols_registry
never needs exchanges, neither needs breaches, migrations reach only Django, Wagtail and the declared
dependencies, and templates link nowhere in our own site."""

import ast
from pathlib import Path

import pytest
from django.db.migrations.loader import MigrationLoader

ROOT = Path(__file__).resolve().parents[1]
APPS = ["protocols_registry", "exchanges", "breaches"]
PROJECT_PACKAGES = {"config", "home", "security", "tests"}
# App labels the apps' migrations may depend on or point at.
ALLOWED_LABELS = {
    "protocols_registry",
    "exchanges",
    "breaches",
    # Django
    "auth",
    "contenttypes",
    "sessions",
    "admin",
    # Wagtail (app labels, not module paths)
    "wagtailcore",
    "wagtailadmin",
    "wagtailusers",
    "wagtailsnippets",
    "wagtailsearch",
    "wagtailredirects",
    "wagtailimages",  # a site's logo (SiteOrganisation)
    # declared dependencies
    "taggit",
    "simple_history",
}


def python_files(app):
    return sorted((ROOT / app).rglob("*.py"))


def imported_modules(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


@pytest.mark.parametrize("app", APPS)
def test_the_apps_never_import_the_project(app):
    offenders = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in python_files(app)
        for module in imported_modules(path)
        if module.split(".")[0] in PROJECT_PACKAGES
    ]
    assert not offenders


def test_protocols_registry_never_imports_exchanges():
    offenders = [
        str(path.relative_to(ROOT))
        for path in python_files("protocols_registry")
        for module in imported_modules(path)
        if module.split(".")[0] == "exchanges"
    ]
    assert not offenders


@pytest.mark.parametrize("app", ["protocols_registry", "exchanges"])
def test_the_breach_register_builds_on_the_other_apps_never_the_reverse(app):
    offenders = [
        str(path.relative_to(ROOT))
        for path in python_files(app)
        for module in imported_modules(path)
        if module.split(".")[0] == "breaches"
    ]
    assert not offenders


def _labels_in_operation(operation):
    fields = list(getattr(operation, "fields", []))
    if getattr(operation, "field", None) is not None:
        fields.append((operation.name, operation.field))
    for _name, field in fields:
        target = getattr(getattr(field, "remote_field", None), "model", None)
        if isinstance(target, str) and "." in target:
            yield target.split(".")[0].lower()
    for base in getattr(operation, "bases", ()):
        if isinstance(base, str) and "." in base:
            yield base.split(".")[0].lower()


def test_migrations_reach_only_the_frameworks_and_declared_dependencies():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    problems = []
    checked = 0
    for (label, name), migration in loader.disk_migrations.items():
        if label not in APPS:
            continue
        checked += 1
        for dependency_label, _dependency in migration.dependencies:
            if (
                dependency_label not in ALLOWED_LABELS
                and dependency_label != "__setting__"
            ):
                problems.append(f"{label}.{name} depends on {dependency_label}")
        for operation in migration.operations:
            for target in _labels_in_operation(operation):
                if target not in ALLOWED_LABELS and not target.startswith("settings"):
                    problems.append(f"{label}.{name} points at {target}")
    assert checked >= 7  # every migration of both apps was read
    assert not problems


@pytest.mark.parametrize("app", APPS)
def test_public_templates_extend_the_configurable_base_and_link_nowhere_of_ours(app):
    for path in (ROOT / app / "templates").rglob("*.html"):
        text = path.read_text()
        if "/admin/" in str(path.relative_to(ROOT / app / "templates")):
            continue
        if text.startswith("{% extends"):
            assert text.startswith("{% extends base_template %}"), path
        for ours in (
            "/protocollen/",
            "/verwerkingsregister/",
            "home/",
            "'wagtail_serve'",
        ):
            assert ours not in text, (path, ours)
