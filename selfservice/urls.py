from django.urls import path

from . import views

app_name = "selfservice"

urlpatterns = [
    path("invitations/", views.InvitationListView.as_view(), name="invitation-list"),
    path("invitations/new/", views.InvitationCreateView.as_view(), name="invitation-create"),
    path(
        "invitations/<int:pk>/resend/",
        views.InvitationActionView.as_view(action="resend"),
        name="invitation-resend",
    ),
    path(
        "invitations/<int:pk>/revoke/",
        views.InvitationActionView.as_view(action="revoke"),
        name="invitation-revoke",
    ),
    path("logins/", views.LoginListView.as_view(), name="login-list"),
    path(
        "logins/<int:pk>/deactivate/",
        views.LoginChangeView.as_view(active=False),
        name="login-deactivate",
    ),
    path(
        "logins/<int:pk>/reactivate/",
        views.LoginChangeView.as_view(active=True),
        name="login-reactivate",
    ),
    path("accounts/invitation/<str:token>/", views.AcceptInvitationView.as_view(), name="accept"),
    path("portal/colleagues/invite/", views.ColleagueInviteView.as_view(), name="colleague-invite"),
    path("changes/", views.ChangeLogView.as_view(), name="changelog"),
    path("apply/", views.ApplyView.as_view(), name="apply"),
    path("apply/thanks/", views.ApplyThanksView.as_view(), name="apply-thanks"),
    path("employers/applications/", views.ApplicationListView.as_view(), name="application-list"),
    path(
        "employers/applications/<int:pk>/",
        views.ApplicationDetailView.as_view(),
        name="application-detail",
    ),
    path(
        "employers/applications/<int:pk>/approve/",
        views.ApplicationDecisionView.as_view(approve=True),
        name="application-approve",
    ),
    path(
        "employers/applications/<int:pk>/reject/",
        views.ApplicationDecisionView.as_view(approve=False),
        name="application-reject",
    ),
]
