"""The backup and restore scripts, run against the local PostgreSQL."""

import os
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from employers.models import Employer
from employers.tests.factories import EmployerFactory

ROOT = Path(__file__).resolve().parents[2]


def url(settings: dict, name: str) -> str:
    return (
        f"postgresql://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST'] or '127.0.0.1'}"
        f":{settings['PORT'] or 5432}/{name}"
    )


def run(script: str, *args: str, database_url: str) -> list[str]:
    done = subprocess.run(
        [ROOT / "scripts" / script, *args],
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return done.stdout.split()


@pytest.fixture
def scratch_database():
    """Return the URL of an empty database, dropped afterwards."""
    if connection.vendor != "postgresql":
        pytest.skip("the scripts back up PostgreSQL")
    settings = connection.settings_dict
    name = f"{settings['NAME']}_restore"
    admin = url(settings, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield url(settings, name)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_the_database_and_the_files(tmp_path, scratch_database):
    EmployerFactory(legal_name="Backed Up Lodge Ltd.", account_number="7700001")
    EmployerFactory(legal_name="Second Lodge Ltd.")
    media = tmp_path / "media"
    (media / "reports").mkdir(parents=True)
    (media / "reports" / "a.pdf").write_bytes(b"%PDF-1.4 report")
    source = url(connection.settings_dict, connection.settings_dict["NAME"])

    written = run(
        "backup-db", "--out", str(tmp_path / "out"), "--media", str(media), database_url=source
    )

    dump, archive = (Path(p) for p in written)
    assert dump.name.startswith("cor-")
    assert dump.suffix == ".dump"
    assert dump.stat().st_size > 0
    assert archive.name.endswith(".tar.gz")
    restored_media = tmp_path / "restored"
    run(
        "restore-db",
        str(dump),
        "--media",
        str(archive),
        str(restored_media),
        database_url=scratch_database,
    )
    with psycopg.connect(scratch_database) as conn:
        rows = conn.execute(
            f"SELECT legal_name FROM {Employer._meta.db_table} ORDER BY legal_name"
        ).fetchall()
        migrations = conn.execute("SELECT count(*) FROM django_migrations").fetchone()
    assert [r[0] for r in rows] == ["Backed Up Lodge Ltd.", "Second Lodge Ltd."]
    assert migrations is not None
    assert migrations[0] > 10
    assert (restored_media / "reports" / "a.pdf").read_bytes() == b"%PDF-1.4 report"
    # Restoring again over the restored copy replaces it rather than failing or duplicating.
    run("restore-db", str(dump), database_url=scratch_database)
    with psycopg.connect(scratch_database) as conn:
        count = conn.execute(f"SELECT count(*) FROM {Employer._meta.db_table}").fetchone()
    assert count == (2,)


def test_the_scripts_refuse_a_missing_or_foreign_database_url(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    missing = subprocess.run(
        [ROOT / "scripts" / "backup-db"], env=env, capture_output=True, text=True
    )
    assert missing.returncode != 0
    assert "DATABASE_URL" in missing.stderr
    foreign = subprocess.run(
        [ROOT / "scripts" / "backup-db"],
        env={**env, "DATABASE_URL": "sqlite:///db.sqlite3"},
        capture_output=True,
        text=True,
    )
    assert foreign.returncode == 2
    assert "not a PostgreSQL URL" in foreign.stderr
    absent = subprocess.run(
        [ROOT / "scripts" / "restore-db", str(tmp_path / "nothing.dump")],
        env={**env, "DATABASE_URL": "postgres://x@127.0.0.1/x"},
        capture_output=True,
        text=True,
    )
    assert absent.returncode == 2
    assert "no such backup" in absent.stderr
