from django.urls import path

from . import views

app_name = "evidence"

urlpatterns = [
    path("updates/<int:pk>/evidence/add/", views.add, name="add"),
    path("updates/<int:pk>/evidence/<int:document>/replace/", views.replace, name="replace"),
    path("updates/<int:pk>/evidence/<int:document>/download/", views.download, name="download"),
]
