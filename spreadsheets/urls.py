from django.urls import path

from . import views

app_name = "spreadsheets"


urlpatterns = [
    path(
        "reviews/<slug:slug>/action-plan.<sheet:fmt>",
        views.dashboard_export,
        name="dashboard_export",
    ),
    path(
        "reviews/<slug:slug>/import/",
        views.recommendation_import,
        name="recommendation_import",
    ),
    path(
        "reviews/<slug:slug>/import/columns/",
        views.recommendation_import_mapping,
        name="recommendation_import_mapping",
    ),
    path(
        "reviews/<slug:slug>/import/confirm/",
        views.recommendation_import_confirm,
        name="recommendation_import_confirm",
    ),
    path(
        "reviews/<slug:slug>/import/template.<sheet:fmt>",
        views.import_template,
        name="import_template",
    ),
    path(
        "reviews/<slug:slug>/my-agency/upload/",
        views.progress_upload,
        name="progress_upload",
    ),
    path(
        "reviews/<slug:slug>/my-agency/upload/confirm/",
        views.progress_upload_confirm,
        name="progress_upload_confirm",
    ),
]
