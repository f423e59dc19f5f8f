from django.urls import path

from . import spreadsheet_views, views

app_name = "recommendations"


urlpatterns = [
    path("", views.home, name="home"),
    path("reviews/<slug:slug>/", views.dashboard, name="dashboard"),
    path(
        "reviews/<slug:slug>/action-plan.<sheet:fmt>",
        views.dashboard_export,
        name="dashboard_export",
    ),
    path("reviews/<slug:slug>/my-agency/", views.my_agency, name="my_agency"),
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
    path("updates/<int:pk>/correct/", views.update_correct, name="update_correct"),
    path("updates/<int:pk>/completion/", views.completion_decision, name="completion_decision"),
    path(
        "reviews/<slug:slug>/import/",
        spreadsheet_views.recommendation_import,
        name="recommendation_import",
    ),
    path(
        "reviews/<slug:slug>/import/confirm/",
        spreadsheet_views.recommendation_import_confirm,
        name="recommendation_import_confirm",
    ),
    path(
        "reviews/<slug:slug>/import/template.<sheet:fmt>",
        spreadsheet_views.import_template,
        name="import_template",
    ),
    path(
        "reviews/<slug:slug>/my-agency/upload/",
        spreadsheet_views.progress_upload,
        name="progress_upload",
    ),
    path(
        "reviews/<slug:slug>/my-agency/upload/confirm/",
        spreadsheet_views.progress_upload_confirm,
        name="progress_upload_confirm",
    ),
]
