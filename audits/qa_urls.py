"""Desktop QA reviews (R-12), mounted at /qa/ in the ``qa`` namespace (views/qa.py)."""

from django.urls import path

from .views import qa

app_name = "qa"

urlpatterns = [
    path("", qa.QueueView.as_view(), name="queue"),
    path("metrics/", qa.MetricsView.as_view(), name="metrics"),
    path("reviews/<int:pk>/", qa.ReviewView.as_view(), name="review"),
    path("reviews/<int:pk>/assign/", qa.AssignView.as_view(), name="assign"),
    path("reviews/<int:pk>/start/", qa.StartView.as_view(), name="start"),
    path("reviews/<int:pk>/checks/", qa.RunChecksView.as_view(), name="run-checks"),
    path("reviews/<int:pk>/notes/", qa.NoteAddView.as_view(), name="note-add"),
    path("reviews/<int:pk>/decide/", qa.DecideView.as_view(), name="decide"),
    path("notes/<int:pk>/delete/", qa.NoteDeleteView.as_view(), name="note-delete"),
    path("audits/<int:pk>/revisions/", qa.CompareView.as_view(), name="compare"),
]
