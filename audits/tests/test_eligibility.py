"""R-6: who may audit (pure rules, no database)."""

import pytest

from audits.eligibility import AUDIT_TYPES, SIZE_CLASSES, external_auditor_required


@pytest.mark.parametrize(
    ("size_class", "audit_type", "external"),
    [
        ("large", "certification", True),
        ("large", "recertification", True),
        ("large", "maintenance", False),  # internal or external
        ("large", "wiva", True),
        ("small", "certification", False),  # a trained internal auditor may audit
        ("small", "recertification", False),
        ("small", "maintenance", False),
        ("small", "wiva", True),  # WIVAs: an external auditor the association selects
    ],
)
def test_external_auditor_required_by_size_and_type(size_class, audit_type, external):
    assert external_auditor_required(size_class=size_class, audit_type=audit_type) is external


def test_the_table_covers_every_size_and_type():
    assert SIZE_CLASSES == ("small", "large")
    assert AUDIT_TYPES == ("certification", "maintenance", "recertification", "wiva")


@pytest.mark.parametrize("size_class", ["medium", "", "Large", "LARGE", " large", None])
def test_unknown_size_class_is_refused(size_class):
    with pytest.raises(ValueError, match="size_class"):
        external_auditor_required(size_class=size_class, audit_type="certification")


@pytest.mark.parametrize("audit_type", ["audit", "", "Certification", "verification", None])
def test_unknown_audit_type_is_refused(audit_type):
    with pytest.raises(ValueError, match="audit_type"):
        external_auditor_required(size_class="small", audit_type=audit_type)


def test_arguments_are_keyword_only():
    with pytest.raises(TypeError):
        external_auditor_required("large", "certification")  # type: ignore[misc]
