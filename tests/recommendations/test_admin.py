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


def _admin_fields(**fields):
    data = {
        "date": "2016-11-01",
        "status": "green",
        "narrative": "Recorded in the admin.",
        "evidence_of_impact": "",
        "_save": "Save",
    }
    data.update(fields)
    return data


def test_progress_updates_cannot_be_deleted_in_the_admin(
    client, recommendation, administrator, police_editor
):
    update = make_update(recommendation, police_editor, date=datetime.date(2016, 9, 1))
    client.force_login(administrator)

    page = client.get(f"/admin/recommendations/progressupdate/{update.pk}/delete/")
    listing = client.get("/admin/recommendations/progressupdate/")

    assert page.status_code == 403
    assert "delete_selected" not in listing.content.decode()
    assert recommendation.updates.count() == 1


def test_an_update_added_in_the_admin_is_recorded_under_the_signed_in_administrator(
    client, recommendation, administrator, police_editor, police
):
    client.force_login(administrator)
    form = client.get("/admin/recommendations/progressupdate/add/")
    assert 'name="author"' not in form.content.decode()

    response = client.post(
        "/admin/recommendations/progressupdate/add/",
        {
            **_admin_fields(),
            "recommendation": recommendation.pk,
            "agency": police.pk,
            "author": police_editor.pk,  # forged: not a field of the form
        },
    )

    assert response.status_code == 302
    update = recommendation.updates.get()
    assert update.author == administrator
    assert update.history.get().history_user == administrator


def test_a_locked_update_shows_the_reason_in_the_admin_and_changes_nothing(
    client, recommendation, administrator, police_editor
):
    from recommendations import services
    from recommendations.models import Status

    update = make_update(
        recommendation, police_editor, date=datetime.date(2016, 9, 1), status=Status.BLUE
    )
    services.completion_decide(
        update=update, user=administrator, decision="signed_off", note="Evidence seen."
    )
    client.force_login(administrator)

    response = client.post(
        f"/admin/recommendations/progressupdate/{update.pk}/change/",
        _admin_fields(narrative="Rewritten in the admin."),
    )

    assert response.status_code == 200
    assert "The board has decided on this claim of completion" in response.content.decode()
    update.refresh_from_db()
    assert update.narrative != "Rewritten in the admin." and update.version == 1


def test_a_refusal_the_form_could_not_foresee_is_a_message_not_a_server_error(
    client, recommendation, administrator, police_editor, monkeypatch
):
    from recommendations import services

    update = make_update(recommendation, police_editor, date=datetime.date(2016, 9, 1))
    client.force_login(administrator)

    def locked_meanwhile(**kwargs):
        raise services.LockedUpdateError("It is part of a progress report issued meanwhile.")

    monkeypatch.setattr(services, "progress_update_correct", locked_meanwhile)
    response = client.post(
        f"/admin/recommendations/progressupdate/{update.pk}/change/",
        _admin_fields(narrative="Rewritten in the admin."),
        follow=True,
    )

    assert response.status_code == 200
    assert "Nothing was saved. It is part of a progress report issued meanwhile." in (
        response.content.decode()
    )
    update.refresh_from_db()
    assert update.narrative != "Rewritten in the admin."
