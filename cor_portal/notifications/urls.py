from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.NotificationListView.as_view(), name="list"),
    path("<int:pk>/", views.NotificationOpenView.as_view(), name="detail"),
    path("mark-all-read/", views.MarkAllReadView.as_view(), name="mark-all-read"),
    path("badge/", views.UnreadBadgeView.as_view(), name="badge"),
]
