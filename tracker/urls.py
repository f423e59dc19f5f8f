from django.contrib import admin
from django.urls import include, path, register_converter

from spreadsheets.converters import SpreadsheetFormat

register_converter(SpreadsheetFormat, "sheet")

urlpatterns = [
    path("", include("recommendations.urls")),
    path("", include("evidence.urls")),
    path("", include("spreadsheets.urls")),
    path("", include("reports.urls")),
    path("", include("reminders.urls")),
    path("", include("accounts.urls")),
    path("", include("guidance.urls")),
    path("", include("operations.urls")),
    path("admin/", admin.site.urls),
]
