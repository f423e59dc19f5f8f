from django.urls import path

from . import views

app_name = "guidance"

urlpatterns = [
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("help/", views.help_for_editors, name="help"),
]
