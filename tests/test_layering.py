"""The layering of house-style.md, checked on the source: views never import httpx, templates never see raw JSON."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGE_LAYERS = ["guidance/web", "guidance/search", "guidance/catalog"]


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", PAGE_LAYERS)
def test_page_layers_never_import_httpx(layer):
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / layer).rglob("*.py"))
        if any(name == "httpx" or name.startswith("httpx.") for name in _imported_modules(path))
    ]
    assert offenders == []


def test_views_reach_the_upstream_only_through_the_service_layer():
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "guidance/web").rglob("*.py"))
        if "guidance.inserjeunes.client" in _imported_modules(path)
    ]
    assert offenders == []


def test_templates_never_dump_raw_payloads():
    # `payload` is the cache's raw JSON column; templates only ever get the service's dataclasses.
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "templates").rglob("*.html"))
        if "payload" in path.read_text(encoding="utf-8") or "|safe" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


# --- guidance/web: one folder per page area, sharing only the figures, the reuse formats, the HTTP and form rules and
# the shortlist format. (The floors below web/ are import-linter's contracts, pyproject.toml, run by `make lint`.)

WEB = ROOT / "guidance" / "web"
AREAS = ("formations", "schools", "compare", "pages", "superieur")
# What every area may import from guidance.web; areas never import one another.
SHARED = (
    "guidance.web.figures",
    "guidance.web.reuse",
    "guidance.web.forms",
    "guidance.web.http",
    "guidance.web.shortlist",
    "guidance.web.place",
    "guidance.web.templatetags",
)


def _web_imports(path: Path) -> set[str]:
    return {name for name in _imported_modules(path) if name.startswith("guidance.web.")}


def _is_shared(name: str) -> bool:
    return any(name == shared or name.startswith(shared + ".") for shared in SHARED)


@pytest.mark.parametrize("area", AREAS)
def test_an_area_imports_only_itself_and_the_shared_modules(area):
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            name for name in _web_imports(path) if not _is_shared(name) and not name.startswith(f"guidance.web.{area}")
        )
        for path in sorted((WEB / area).rglob("*.py"))
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_the_shared_modules_never_import_an_area():
    shared_files = [*(WEB / "figures").rglob("*.py"), *(WEB / "reuse").rglob("*.py")]
    shared_files += [WEB / "http.py", WEB / "forms.py", WEB / "shortlist.py", WEB / "place.py"]
    offenders = {
        str(path.relative_to(ROOT)): sorted(name for name in _web_imports(path) if not _is_shared(name))
        for path in shared_files
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_guidance_web_holds_only_the_areas_and_the_shared_modules():
    modules = {path.stem for path in WEB.glob("*.py")} - {"__init__", "apps", "urls", "context_processors"}
    packages = {path.name for path in WEB.iterdir() if path.is_dir() and (path / "__init__.py").exists()}
    # `assets` builds the site's DSFR subset (a management command, never imported by a page).
    assert modules == {"http", "forms", "shortlist", "place", "assets"}
    assert packages == {*AREAS, "figures", "reuse", "templatetags", "management"}


def test_the_upstream_is_asked_only_through_the_figures_batcher():
    # One batcher (`figures.questions.Answers`) sends every question of every page.
    def asks(path: Path) -> bool:
        return any(
            isinstance(node, ast.ImportFrom)
            and node.module == "guidance.indicators.service"
            and any(alias.name in {"get", "get_many"} for alias in node.names)
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        )

    offenders = [str(p.relative_to(ROOT)) for p in sorted(WEB.rglob("*.py")) if p.name != "questions.py" and asks(p)]
    assert offenders == []


def test_no_module_of_guidance_is_over_400_lines():
    long = {
        str(path.relative_to(ROOT)): n
        for path in sorted((ROOT / "guidance").rglob("*.py"))
        if "migrations" not in path.parts and (n := len(path.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert long == {}
