from django.urls import path  # noqa: F401  (each block below adds its routes)

app_name = "audits"

urlpatterns: list = [
    # Staff: the audit board, planning, detail, decisions, extensions, certificates
    # (views/board.py, views/certificates.py).
    # --- staff ---
    # The auditor's work on an audit: notice, onsite, scores and report, submission,
    # extension requests (views/work.py).
    # --- auditor ---
    # Fragments other pages include (the employer's cycle, an auditor's audits)
    # (views/fragments.py).
    # --- fragments ---
]
