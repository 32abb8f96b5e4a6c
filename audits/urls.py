from django.urls import path

from .views import board, fragments, public, qa, reuse, similarity, wiva, work

app_name = "audits"

urlpatterns: list = [
    # Staff: the audit board, planning, detail, decisions, extensions, certificates
    # (views/board.py, views/certificates.py).
    # --- staff ---
    path("", board.AuditBoardView.as_view(), name="board"),
    path("plan/", board.AuditPlanView.as_view(), name="plan"),
    path("<int:pk>/", board.AuditDetailView.as_view(), name="detail"),
    path("<int:pk>/decide/<slug:action>/", board.AuditDecisionView.as_view(), name="decide"),
    path(
        "extensions/<int:pk>/decide/",
        board.ExtensionDecisionView.as_view(),
        name="extension-decide",
    ),
    path("certificates/", board.CertificateListView.as_view(), name="certificate-list"),
    path(
        "certificates/<int:pk>/",
        board.CertificateDetailView.as_view(),
        name="certificate-detail",
    ),
    # The auditor's work on an audit: notice, onsite, scores and report, submission,
    # extension requests (views/work.py).
    # --- auditor ---
    path("<int:pk>/notice/", work.NoticeView.as_view(), name="notice"),
    path("<int:pk>/start/", work.StartView.as_view(), name="start"),
    path("<int:pk>/onsite/", work.OnsiteView.as_view(), name="onsite"),
    path("<int:pk>/work/", work.WorkView.as_view(), name="work"),
    path("<int:pk>/submit/", work.SubmitView.as_view(), name="submit"),
    path("<int:pk>/extension/", work.ExtensionRequestView.as_view(), name="extension-request"),
    path("submissions/<int:pk>/report/", work.ReportView.as_view(), name="report"),
    path("<int:pk>/answers/", qa.AnswerNotesView.as_view(), name="answers"),
    # Start a maintenance or recertification audit from the previous one (views/reuse.py).
    path("<int:pk>/reuse/", reuse.ReuseView.as_view(), name="reuse"),
    # Documents: the certificate PDF, for staff and the certificate's employer
    # (views/public.py).
    # --- documents ---
    path(
        "certificates/<int:pk>/pdf/",
        public.CertificatePdfView.as_view(),
        name="certificate-pdf",
    ),
    # Fragments other pages include (the employer's cycle, an auditor's audits)
    # (views/fragments.py).
    # --- fragments ---
    path(
        "fragments/employers/<int:pk>/cycle/",
        fragments.EmployerCycleView.as_view(),
        name="employer-cycle",
    ),
    path(
        "fragments/auditors/<int:pk>/audits/",
        fragments.AuditorAuditsView.as_view(),
        name="auditor-audits",
    ),
    # Plagiarism and WIVA cases, staff only (views/similarity.py, views/wiva.py).
    # --- wiva ---
    path(
        "submissions/<int:pk>/similarity/",
        similarity.SubmissionSimilarityView.as_view(),
        name="similarity",
    ),
    path("wiva/", wiva.WivaListView.as_view(), name="wiva-list"),
    path("wiva/new/", wiva.WivaCreateView.as_view(), name="wiva-create"),
    path("wiva/<int:pk>/", wiva.WivaDetailView.as_view(), name="wiva-detail"),
    path("wiva/<int:pk>/step/", wiva.WivaStepView.as_view(), name="wiva-step"),
    path("wiva/<int:pk>/cancel/", wiva.WivaCancelView.as_view(), name="wiva-cancel"),
    path("wiva/<int:pk>/form.pdf", wiva.WivaFormPdfView.as_view(), name="wiva-pdf"),
]
