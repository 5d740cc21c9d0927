from django.urls import path

from breaches import views

app_name = "breaches_admin"

urlpatterns = [
    path("", views.breach_list, name="list"),
    path("new/", views.breach_create, name="create"),
    path("<int:pk>/", views.breach_detail, name="detail"),
    path("<int:pk>/edit/", views.breach_edit, name="edit"),
    path("<int:pk>/notify/", views.breach_notify, name="notify"),
    path(
        "received/<int:notification_id>/", views.received_detail, name="received_detail"
    ),
    path(
        "received/<int:notification_id>/read/",
        views.received_acknowledge,
        name="received_acknowledge",
    ),
    path("export.<str:fmt>", views.register_export, name="export"),
]
