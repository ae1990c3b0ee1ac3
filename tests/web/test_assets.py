"""The site's DSFR subset (guidance/web/assets.py): current, complete for our templates, and what pages load."""

import re
from pathlib import Path

from guidance.web import assets

ROOT = Path(__file__).resolve().parent.parent.parent


def test_committed_bundle_is_what_the_installed_dsfr_gives():
    bundle = assets.build()
    assert (assets.OUTPUT / "dsfr-site.css").read_text(encoding="utf-8") == bundle.css, (
        "static/dsfr-site/ is stale: run `manage.py build_dsfr_bundle`"
    )
    assert (assets.OUTPUT / "dsfr-site.js").read_text(encoding="utf-8") == bundle.js


def test_bundle_keeps_only_the_two_faces_we_preload():
    css = assets.build().css
    faces = re.findall(r"@font-face\{[^}]*\}", css)
    assert len(faces) == 2
    assert all("Marianne-Regular." in face or "Marianne-Bold." in face for face in faces)
    assert all("font-display:swap" in face for face in faces)
    for font in assets.PRELOADED_FONTS:
        assert (assets.DIST.parent.parent / font).is_file()


def test_bundle_urls_point_into_the_package_static_folder():
    css = assets.build().css
    relative = re.findall(r"url\(['\"]?(\.\./[^)'\"]+)", css)
    assert relative, "the components reference their icons"
    for url in relative:
        assert url.startswith(assets.TO_DIST)
        assert (assets.DIST / url.removeprefix(assets.TO_DIST)).is_file(), url


def test_every_dsfr_component_class_our_templates_use_is_in_the_bundle():
    css = assets.build().css
    used = set()
    for path in (ROOT / "templates").rglob("*.html"):
        used.update(re.findall(r"(?<![\w-])fr-[a-z]+(?:-[a-z]+)*(?:__[a-z-]+)?(?:--[a-z-]+)?", path.read_text("utf-8")))
    # Every class the whole DSFR styles and a template uses must be styled by our subset too (DSFR markup also has
    # structural classes no stylesheet defines, such as `fr-footer__content-item`: those are left aside).
    full = (assets.DIST / "dsfr.min.css").read_text(encoding="utf-8")
    styled = {cls for cls in used if re.search(rf"\.{cls}(?![\w-])", full)}
    missing = sorted(cls for cls in styled if not re.search(rf"\.{cls}(?![\w-])", css))
    assert styled and missing == []


def test_the_icon_class_we_use_is_kept_and_no_other():
    css = assets.build().css
    assert ".fr-icon-arrow-right-line" in css
    assert ".fr-icon-arrow-left-line:" not in css


def test_pages_load_the_bundle_and_not_the_whole_dsfr(client, db):
    html = client.get("/").content.decode()
    assert "dsfr-site/dsfr-site.css" in html and "dsfr-site/dsfr-site.js" in html
    assert "dsfr.min.css" not in html and "utility.min.css" not in html and "dsfr.module.min.js" not in html
    assert html.count('rel="preload"') == 2
