"""The project carries what its tests need; source audits find the documents through
MBC_SHARED_DIR, skip without them, and fail the run under MBC_REQUIRE_SHARED=1."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.deploy.processes import ROOT, environment
from tests.shared_docs import require_shared_dir, shared_dir

AUDIT = "tests/evidence/test_evidence_data.py::test_the_soomro_subtype_figures_equal_the_seed"


def test_no_test_or_benchmark_reads_the_shared_folder_but_through_the_setting():
    found = []
    for folder in ("tests", "benchmarks", "recurrence", "evidence", "board", "mbc_site"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.name in ("shared_docs.py", "test_self_contained.py"):
                continue
            text = path.read_text(encoding="utf-8")
            if re.search(r"""["'/]shared["'/]|\.\./shared|parents\[3\]""", text):
                found.append(str(path.relative_to(ROOT)))
    assert found == []


def test_the_vignettes_and_interop_examples_are_carried():
    assert (ROOT / "tests/data/vignettes-public.json").is_file()
    assert any((ROOT / "tests/data/interop").glob("*.json"))


class TestRequireSharedDir:
    def test_it_finds_the_folder_the_setting_names(self, tmp_path, monkeypatch):
        (tmp_path / "seeds").mkdir()
        (tmp_path / "evidence").mkdir()
        monkeypatch.setenv("MBC_SHARED_DIR", str(tmp_path))
        assert shared_dir() == tmp_path
        assert require_shared_dir() == tmp_path

    def test_without_the_documents_it_skips_with_the_reason(self, tmp_path, monkeypatch):
        monkeypatch.setenv("MBC_SHARED_DIR", str(tmp_path / "absent"))
        monkeypatch.delenv("MBC_REQUIRE_SHARED", raising=False)
        with pytest.raises(pytest.skip.Exception, match="MBC_SHARED_DIR"):
            require_shared_dir()

    def test_under_require_shared_it_fails_instead(self, tmp_path, monkeypatch):
        monkeypatch.setenv("MBC_SHARED_DIR", str(tmp_path / "absent"))
        monkeypatch.setenv("MBC_REQUIRE_SHARED", "1")
        with pytest.raises(pytest.fail.Exception, match="MBC_REQUIRE_SHARED=1"):
            require_shared_dir()


def run_audit(tmp_path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", AUDIT],
        cwd=ROOT,
        env=environment({"MBC_SHARED_DIR": str(tmp_path / "absent"), **env}),
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_run_without_the_documents_skips_the_audit_and_fails_under_require_shared(tmp_path):
    relaxed = run_audit(tmp_path)
    assert relaxed.returncode == 0, relaxed.stdout
    assert re.search(r"\d+ skipped", relaxed.stdout), relaxed.stdout
    strict = run_audit(tmp_path, MBC_REQUIRE_SHARED="1")
    assert strict.returncode == 1, strict.stdout
    assert "MBC_REQUIRE_SHARED=1" in strict.stdout


def test_a_skip_for_want_of_the_documents_fails_the_run_under_require_shared(tmp_path):
    """However an audit skips (here by calling pytest.skip itself), the run fails."""
    (tmp_path / "conftest.py").write_text(
        "from tests.conftest import pytest_runtest_logreport, pytest_sessionfinish  # noqa\n"
    )
    (tmp_path / "test_audit.py").write_text(
        "import pytest\n\ndef test_audit():\n    pytest.skip('no documents: set MBC_SHARED_DIR')\n"
    )

    def run(**env: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-c", "/dev/null"]
            + ["--rootdir", str(tmp_path), str(tmp_path)],
            cwd=tmp_path,
            env=environment({"PYTHONPATH": str(ROOT), "MBC_DEVELOPMENT": "1", **env}),
            capture_output=True,
            text=True,
            timeout=120,
        )

    relaxed = run()
    assert relaxed.returncode == 0, relaxed.stdout + relaxed.stderr
    assert "1 skipped" in relaxed.stdout
    strict = run(MBC_REQUIRE_SHARED="1")
    assert strict.returncode == 1, strict.stdout + strict.stderr
    assert "MBC_REQUIRE_SHARED=1 but 1 source audits were skipped" in strict.stdout
