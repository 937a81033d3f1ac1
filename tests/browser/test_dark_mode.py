"""The tracker's own pages in dark mode: Django's admin follows the browser's colour
scheme, and Leadtrack's CSS (lead.css, work.css, the reports' styles) builds on the
admin's CSS variables, so the lead page, list, board, dashboard, My day and reports stay
legible. Screenshots with ``color_scheme="dark"`` under docs/screenshots/*-dark.png, and
a check that no panel of ours is left light on the dark page."""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from followups.models import FollowUp
from tests.browser import test_lead_work

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
firm = test_lead_work.firm

# Our own boxes whose background must follow the scheme (none may stay white).
OWN_BOXES = (
    ".lt-card, .lt-column, .lt-item, .lt-panel, .lt-figures li, .lt-views, .lt-reply, "
    ".lt-dropzone, .lt-chart-box, .lt-dialog, .lt-quick, .lt-summary"
)
LIGHT_BOXES = f"""() => [...document.querySelectorAll('{OWN_BOXES}')].filter(el => {{
    const bg = getComputedStyle(el).backgroundColor.match(/[0-9.]+/g);
    if (!bg || (bg.length === 4 && Number(bg[3]) === 0)) return false;
    const [r, g, b] = bg.map(Number);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b > 128;
}}).map(el => el.className)"""


def dark_page(browser, live_server, viewport):
    context = browser.new_context(
        base_url=live_server.url, viewport=viewport, locale="en-GB", color_scheme="dark"
    )
    context.set_default_timeout(15_000)
    return context, context.new_page()


def sign_in(page, username: str) -> None:
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", test_lead_work.PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


@pytest.mark.parametrize("size", ["1366", "390"])
def test_the_tracker_pages_are_legible_in_dark_mode(firm, browser, live_server, size):
    context, page = dark_page(browser, live_server, LAPTOP if size == "1366" else PHONE)
    try:
        sign_in(page, "pat.partner")
        pages = {
            "dashboard": "/admin/",
            "lead-page": f"/admin/leads/lead/{firm['lead'].pk}/change/",
            "lead-list": "/admin/leads/lead/",
            "board": "/admin/board/",
            "report-conversion": "/admin/reports/conversion/",
            "report-team": "/admin/reports/team/",
        }
        for name, url in pages.items():
            page.goto(url)
            legible(page, name)
            shoot(page, f"{name}-dark-{size}")
    finally:
        context.close()
    FollowUp.objects.create(
        lead=firm["lead"],
        stage="proposal",
        kind="call",
        owner=firm["earner"],
        due_at=timezone.now() - dt.timedelta(hours=1),
        guidance="Call to go through the proposal",
    )
    context, page = dark_page(browser, live_server, LAPTOP if size == "1366" else PHONE)
    try:
        sign_in(page, "tom.earner")
        page.goto("/admin/my-day/")
        legible(page, "my-day")
        shoot(page, f"my-day-dark-{size}")
    finally:
        context.close()


def legible(page, name: str) -> None:
    """The admin's dark background, and none of our boxes left light on it."""
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(18, 18, 18)", (name, background)
    assert page.evaluate(LIGHT_BOXES) == [], name
