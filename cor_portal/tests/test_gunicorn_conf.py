"""gunicorn reads the portal's settings file; its workers freeze what they built, collect what
each request leaves and run their request loop on a deep frame stack."""

import gc
import importlib.util
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def conf():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    yield module
    gc.unfreeze()


def test_gunicorn_reads_the_file_from_the_working_directory():
    gunicorn = Path(sys.executable).with_name("gunicorn")
    printed = subprocess.run(
        [str(gunicorn), "--print-config", "cor_portal.wsgi:application"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    settings = {
        name.strip(): value.strip()
        for name, _, value in (line.partition("=") for line in printed.splitlines())
    }
    assert settings["config"] == "./gunicorn.conf.py"
    assert settings["post_worker_init"] == "<post_worker_init()>"
    assert settings["post_request"] == "<post_request()>"


def test_freezing_moves_what_was_built_into_the_permanent_generation(conf):
    before = gc.get_freeze_count()
    built = [[n] for n in range(1000)]
    conf.freeze()
    assert gc.get_freeze_count() >= before + len(built)


def test_a_worker_freezes_once_loaded_and_after_50_500_and_5000_requests(conf, monkeypatch):
    assert conf.FREEZE_AFTER_REQUESTS == (50, 500, 5000)
    frozen_after, collected_after = [], []
    worker = SimpleNamespace(nr=0, run=lambda: None)
    monkeypatch.setattr(conf, "freeze", lambda: frozen_after.append(worker.nr))
    monkeypatch.setattr(conf, "collect", lambda: collected_after.append(worker.nr))
    conf.post_worker_init(worker)
    for served in range(1, 6001):
        worker.nr = served
        conf.post_request(worker, None, {}, None)
    assert frozen_after == [0, 50, 500, 5000]
    # Every other request is followed by a collection of what it left.
    assert collected_after == [n for n in range(1, 6001) if n not in (50, 500, 5000)]


def test_collecting_after_a_request_frees_its_reference_cycles(conf):
    class Node:
        def __init__(self):
            self.me = self

    gc.collect()
    gc.freeze()
    gc.disable()  # only the worker's collection below may free them
    try:
        cycles = [Node() for _ in range(1000)]
        del cycles
        counted = sum(1 for o in gc.get_objects() if isinstance(o, Node))
        conf.collect()
    finally:
        gc.enable()
    assert counted == 1000
    assert not any(isinstance(o, Node) for o in gc.get_objects())


def test_a_worker_runs_its_request_loop_on_a_deep_stack(conf, monkeypatch):
    ran = []
    monkeypatch.setattr(conf, "freeze", lambda: None)
    monkeypatch.setattr(conf, "run_on_deep_stack", lambda run: ran.append("deep") or run())
    worker = SimpleNamespace(nr=0, run=lambda: ran.append("loop") or "stopped")
    conf.post_worker_init(worker)
    assert ran == []
    assert worker.run() == "stopped"
    assert ran == ["deep", "loop"]
