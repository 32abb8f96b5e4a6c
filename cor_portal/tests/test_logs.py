"""Structured logs."""

import json
import logging
import sys
from datetime import date

from cor_portal.logs import JSONFormatter


def record(**extra):
    logger = logging.getLogger("cor_portal.test")
    return logger.makeRecord(
        "cor_portal.test",
        logging.WARNING,
        __file__,
        1,
        "Sweep took %s s",
        (4.2,),
        None,
        extra=extra,
    )


def test_a_record_is_one_line_of_json_with_its_extra_fields():
    line = JSONFormatter().format(record(audit_id=17, today=date(2026, 1, 1)))

    assert "\n" not in line
    data = json.loads(line)
    assert data["level"] == "WARNING"
    assert data["logger"] == "cor_portal.test"
    assert data["message"] == "Sweep took 4.2 s"
    assert data["audit_id"] == 17
    assert data["today"] == "2026-01-01"  # not JSON: written as text
    assert data["time"].endswith("+00:00")
    assert "args" not in data
    assert "msg" not in data


def test_a_traceback_is_kept_in_the_record():
    try:
        raise ValueError("boom")
    except ValueError:
        rec = logging.getLogger("x").makeRecord(
            "x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info()
        )

    data = json.loads(JSONFormatter().format(rec))

    assert data["message"] == "failed"
    assert "ValueError: boom" in data["exception"]
