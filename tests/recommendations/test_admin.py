import datetime

from tests.conftest import make_update


def test_the_administrator_sees_recommendations_in_number_order_in_the_admin(
    client, cse_review, administrator
):
    client.force_login(administrator)

    response = client.get("/admin/recommendations/recommendation/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "38 recommendations" in page
    assert page.index(">1<") < page.index(">2<") < page.index(">38<")


def test_the_admin_shows_a_recommendations_history_with_who_changed_it(
    client, recommendation, administrator, police_editor
):
    make_update(recommendation, police_editor, date=datetime.date(2016, 9, 1))
    client.force_login(administrator)

    response = client.get(f"/admin/recommendations/recommendation/{recommendation.pk}/history/")
    update_history = client.get(
        f"/admin/recommendations/progressupdate/{recommendation.updates.get().pk}/history/"
    )

    assert response.status_code == 200
    assert "Created" in response.content.decode()
    assert "editor.police" in update_history.content.decode()


def test_an_editor_cannot_use_the_admin(client, police_editor):
    client.force_login(police_editor)

    response = client.get("/admin/recommendations/recommendation/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
