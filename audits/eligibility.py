"""R-6: who may audit (pure)."""

SIZE_CLASSES = ("small", "large")
AUDIT_TYPES = ("certification", "maintenance", "recertification", "wiva")


def external_auditor_required(*, size_class: str, audit_type: str) -> bool:
    """Return whether the audit needs an external auditor.

    Always for a WIVA; for a large employer's certification and recertification audits.
    A small employer may use its own trained internal auditor otherwise.
    """
    if size_class not in SIZE_CLASSES:
        raise ValueError(f"size_class must be one of {SIZE_CLASSES}")
    if audit_type not in AUDIT_TYPES:
        raise ValueError(f"audit_type must be one of {AUDIT_TYPES}")
    if audit_type == "wiva":
        return True
    return size_class == "large" and audit_type in ("certification", "recertification")
