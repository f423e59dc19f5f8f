from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("reviews/<slug:slug>/reports/", views.report_list, name="list"),
    path(
        "reviews/<slug:slug>/recommendations/<int:number>/sheet.pdf",
        views.recommendation_sheet,
        name="recommendation_sheet",
    ),
    path("reviews/<slug:slug>/reports/<int:pk>/", views.report_preview, name="preview"),
    path("reviews/<slug:slug>/reports/<int:pk>/draft.pdf", views.draft_pdf, name="draft_pdf"),
    path(
        "reviews/<slug:slug>/reports/<int:pk>/drafts/<int:draft>/",
        views.draft_status,
        name="draft_status",
    ),
    path("reviews/<slug:slug>/reports/new/", views.schedule_add, name="schedule_add"),
    path("reviews/<slug:slug>/reports/plan/", views.schedule_plan, name="schedule_plan"),
    path("reviews/<slug:slug>/reports/<int:pk>/edit/", views.schedule_edit, name="schedule_edit"),
    path("reviews/<slug:slug>/reports/<int:pk>/words/", views.report_words, name="words"),
    path(
        "reviews/<slug:slug>/reports/<int:pk>/remove/",
        views.schedule_remove,
        name="schedule_remove",
    ),
    path("reviews/<slug:slug>/reports/<int:pk>/issue/", views.report_issue, name="issue"),
    path(
        "reviews/<slug:slug>/reports/<int:pk>/issues/<int:request_id>/",
        views.issue_status,
        name="issue_status",
    ),
    path(
        "reviews/<slug:slug>/reports/<int:pk>/table.<sheet:fmt>",
        views.report_table_export,
        name="table_export",
    ),
    path(
        "reviews/<slug:slug>/reports/<int:pk>/versions/<int:number>.pdf",
        views.version_pdf,
        name="version_pdf",
    ),
]
