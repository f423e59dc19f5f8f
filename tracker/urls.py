from django.contrib import admin
from django.urls import include, path, register_converter

from .converters import SpreadsheetFormat

register_converter(SpreadsheetFormat, "sheet")

urlpatterns = [
    path("", include("recommendations.urls")),
    path("", include("reports.urls")),
    path("", include("reminders.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
