from django.urls import path

from . import views

app_name = "recommendations"


urlpatterns = [
    path("", views.home, name="home"),
    path("reviews/new/", views.review_create, name="review_create"),  # before <slug>
    path("reviews/<slug:slug>/", views.dashboard, name="dashboard"),
    path("reviews/<slug:slug>/my-agency/", views.my_agency, name="my_agency"),
    path("reviews/<slug:slug>/sign-off/", views.sign_off_queue, name="sign_off_queue"),
    path(
        "reviews/<slug:slug>/recommendations/<int:number>/",
        views.detail,
        name="detail",
    ),
    path(
        "reviews/<slug:slug>/recommendations/<int:number>/updates/new/",
        views.update_create,
        name="update_create",
    ),
    path(
        "reviews/<slug:slug>/recommendations/<int:number>/recovery-plan/",
        views.recovery_plan,
        name="recovery_plan",
    ),
    # Actions are numbered "12.3": <action> is the 3, of recommendation <number> 12.
    path(
        "reviews/<slug:slug>/recommendations/<int:number>/actions/new/",
        views.action_create,
        name="action_create",
    ),
    path(
        "reviews/<slug:slug>/recommendations/<int:number>/actions/<int:action>/",
        views.action_edit,
        name="action_edit",
    ),
    path(
        "reviews/<slug:slug>/recommendations/<int:number>/actions/<int:action>/updates/new/",
        views.action_update_create,
        name="action_update_create",
    ),
    path("updates/<int:pk>/correct/", views.update_correct, name="update_correct"),
    path("updates/<int:pk>/completion/", views.completion_decision, name="completion_decision"),
]
