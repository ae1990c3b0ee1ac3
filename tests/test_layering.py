"""The layering of house-style.md, checked on the source: views never import httpx, templates never see raw JSON."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGE_LAYERS = ["guidance/web", "guidance/catalog"]


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
