from django.urls import path

from raccord.operators import views

app_name = "operators"
urlpatterns = [path("<int:pk>/logo/", views.operator_logo, name="logo")]
