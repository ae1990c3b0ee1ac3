from tests.browser.conftest import axe_violations


def test_home_page_loads_without_console_error_or_serious_axe_violation(probe):
    response = probe.page.goto("/")

    assert response.status == 200
    assert probe.page.locator("header.fr-header").is_visible()
    assert probe.page.locator("footer.fr-footer").is_visible()
    assert probe.page.get_attribute("html", "lang") == "fr"
    assert axe_violations(probe.page) == []
    assert probe.console_errors == []
