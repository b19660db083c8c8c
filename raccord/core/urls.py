from django.urls import path

from raccord.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("dev/outbox/", views.outbox, name="outbox"),
    path("healthz", views.healthz, name="healthz"),
]
