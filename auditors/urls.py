from django.urls import path  # noqa: F401  (each block below adds its routes)

app_name = "auditors"

urlpatterns: list = [
    # Roster: list, detail, create, edit, standing, student audit, CPD, declarations, consulting
    # engagements (views/roster.py).
    # --- roster ---
    # Training: courses, sessions, enrolments, results, completions and their import
    # (views/training.py).
    # --- training ---
    # EAQA: the year's plan and the records (views/eaqa.py).
    # --- eaqa ---
]
