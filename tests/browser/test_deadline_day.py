"""An editor's deadline day in a real browser (issue 15): sign in by keyboard alone, land on
what the agency owes, post an update with the recommendation's position in front of you,
and see the confirmation in view, with focus, naming the next recommendation owed.

The Tab presses and the clicks are counted and printed (`pytest -s`), for the closing note.
"""

import datetime

import pytest
from django.utils import timezone

from recommendations.models import ProgressUpdate, Status
from tests.browser.conftest import PASSWORD, assert_accessible
from tests.conftest import (
    enrol_second_factor,
    make_agency,
    make_recommendation,
    make_review,
    make_update,
    make_user,
    next_code,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Today's keyboard journey took 50 Tab presses (the count).
TABS_BEFORE = 50


@pytest.fixture
def data(transactional_db):
    review = make_review("cse-review")
    police = make_agency("West Mercia Police", "West Mercia Police")
    council = make_agency("Council", "Telford & Wrekin Council")
    for number, title in enumerate(
        ["Disruption tactics", "Missing children interviews", "Night-time economy patrols"], 1
    ):
        make_recommendation(review, police, number=number, short_title=title)
    make_recommendation(review, council, number=4, short_title="Taxi driver training")
    editor = make_user("editor.police", agencies=[police])
    make_update(
        review.recommendations.get(number=1),
        editor,
        date=timezone.localdate() - datetime.timedelta(days=120),
        status=Status.AMBER,
        narrative="Venue booked; trainers still to be found.",
    )
    return {"review": review, "editor": editor}


def tab_to(page, predicate, limit=80):
    """Press Tab until `predicate` (JavaScript, of the focused element) holds: the count."""
    for count in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate(f"(element => {predicate})(document.activeElement)"):
            return count
    raise AssertionError(f"Not reached in {limit} Tab presses: {predicate}")


def skip_to_content(page):
    """Tab to the skip link, the first stop on every page, and follow it: one Tab press."""
    tabs = tab_to(page, "element.textContent.trim() === 'Skip to main content'", limit=1)
    page.keyboard.press("Enter")
    return tabs


def test_an_editor_posts_an_update_by_keyboard_in_few_tab_presses(page, data):
    device = enrol_second_factor(data["editor"])
    page.goto(f"{page.base_url}/accounts/login/")
    tabs = tab_to(page, "element.id === 'id_username'")
    page.keyboard.type("editor.police")
    tabs += tab_to(page, "element.id === 'id_password'")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("heading", level=1, name="Enter your sign-in code").wait_for()
    tabs += tab_to(page, "element.labels && element.labels[0]?.textContent.trim() === 'Code'")
    page.keyboard.type(next_code(device))
    page.keyboard.press("Enter")

    # My agency: the recommendations owed, each with a way to post straight away.
    page.get_by_role("heading", level=1, name="My agency").wait_for()
    page.wait_for_load_state("load")
    tabs += skip_to_content(page)
    tabs += tab_to(page, "element.textContent.trim().startsWith('Post an update')")
    page.keyboard.press("Enter")
    page.get_by_role("heading", level=1, name="Post a progress update").wait_for()
    page.wait_for_load_state("load")
    assert "Venue booked; trainers still to be found." in page.content()  # the last update
    tabs += skip_to_content(page)
    tabs += tab_to(page, "element.type === 'radio' && element.name === 'status'")
    page.keyboard.press("ArrowDown")  # the next status in the list
    tabs += tab_to(page, "element.name === 'narrative'")
    page.keyboard.type("Trainers found; first session on 9 January.")
    tabs += tab_to(page, "element.textContent.trim() === 'Post update'")
    page.keyboard.press("Enter")

    banner = page.locator(".govuk-notification-banner--success")
    banner.wait_for()
    print(f"\nTab presses from the sign-in page to a posted update: {tabs}")
    assert tabs < TABS_BEFORE
    assert ProgressUpdate.objects.filter(narrative__startswith="Trainers found").count() == 1


def test_the_confirmation_is_in_view_with_focus_and_names_the_next_one_owed(page, data):
    device = enrol_second_factor(data["editor"])
    clicks = 0

    def click(locator):
        nonlocal clicks
        locator.click()
        clicks += 1

    page.goto(f"{page.base_url}/accounts/login/")
    click(page.get_by_label("Username"))
    page.keyboard.type("editor.police")
    click(page.get_by_label("Password"))
    page.keyboard.type(PASSWORD)
    click(page.get_by_role("button", name="Sign in"))
    click(page.get_by_label("Code", exact=True))
    page.keyboard.type(next_code(device))
    click(page.get_by_role("button", name="Continue"))
    page.get_by_role("heading", level=1, name="My agency").wait_for()
    assert_accessible(page)
    click(page.get_by_role("link", name="Post an update on recommendation 1"))
    page.get_by_role("heading", level=1, name="Post a progress update").wait_for()
    assert_accessible(page)
    click(page.get_by_label("Green (on track)"))
    click(page.get_by_label("Narrative", exact=True))
    page.keyboard.type("Trainers found.")
    click(page.get_by_role("button", name="Post update"))
    print(f"\nClicks from the sign-in page to a posted update: {clicks}")

    banner = page.locator(".govuk-notification-banner--success")
    banner.wait_for()
    page.wait_for_load_state("load")
    page.wait_for_function(
        "document.activeElement.closest('.govuk-notification-banner--success') !== null"
    )
    box = banner.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= page.viewport_size["height"]
    link = banner.get_by_role("link", name="Next: recommendation 2, Missing children interviews")
    assert link.is_visible()
    assert_accessible(page)
    click(link)
    page.get_by_role("heading", level=1, name="Missing children interviews").wait_for()
