"""The cast every view test uses: one user per role and one with no role, and case bodies."""

from __future__ import annotations

import copy
import os
import shutil

import pytest

from recurrence import roles

PASSWORD = "a-long-test-password-7"

BASE_CASE = {
    "case_number": "MBC-0001",
    "hospital_number": "H123456",
    "presentation": "recurrence",
    "recurrence_date": "2024-06-10",
    "primary_diagnosis_date": "2019-03-01",
    "age": 58,
    "menopausal_status": "postmenopausal",
    "er": "positive",
    "pr": "positive",
    "her2_ihc": "1+",
    "ki67_percent": 25,
    "receptors_tested_on": "recurrence",
    "histology_confirmed": True,
    "ecog": 1,
    "bone_pain": True,
    "sites": [{"site": "bone", "lesions": 2}, {"site": "lung", "lesions": 1}],
    "symptomatic_sites": ["bone"],
    "workup": {"cbc": True, "liver_function": True},
}


@pytest.fixture(autouse=True)
def _cache_emptied_after_a_flush(request, django_db_blocker):
    """A transactional test ends by emptying the tables, without the signals that move the
    cohort revision (outcomes/revision.py), and the cache is no model table: empty it too,
    so that no later test reads figures cached from data that is gone."""
    yield
    if {"transactional_db", "live_server"} & set(request.fixturenames):
        from django.core.cache import cache

        with django_db_blocker.unblock():
            cache.clear()


@pytest.fixture
def case_data():
    """A valid case body (contract case plus case_number, hospital_number); edit freely."""

    def make(**overrides):
        data = copy.deepcopy(BASE_CASE)
        data.update(overrides)
        return data

    return make


def _user(django_user_model, username, role=None, **extra):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(username=username, password=PASSWORD, **extra)
    if role:
        # get_or_create: a live-server test empties every table, groups included.
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


@pytest.fixture
def coordinator(db, django_user_model):
    return _user(django_user_model, "cora", roles.COORDINATOR)


@pytest.fixture
def oncologist(db, django_user_model):
    return _user(django_user_model, "oscar", roles.ONCOLOGIST)


@pytest.fixture
def administrator(db, django_user_model):
    return _user(django_user_model, "ada", roles.ADMINISTRATOR, is_staff=True)


@pytest.fixture
def nobody(db, django_user_model):
    """Signed in, but holds no role."""
    return _user(django_user_model, "nora")


@pytest.fixture
def stored_case(db, coordinator, case_data):
    from recurrence.services import case_create

    return case_create(data=case_data(), user=coordinator)


def chromium_path() -> str | None:
    return shutil.which("chromium") or (
        "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None
    )


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium through Playwright; skipped when Chromium is not installed,
    unless MBC_REQUIRE_BROWSER=1 (CI), where its absence fails the run."""
    path = chromium_path()
    if path is None:
        if os.environ.get("MBC_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is required (MBC_REQUIRE_BROWSER=1) but not installed")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=path,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def artifacts_dir(tmp_path_factory):
    """Where browser tests leave screenshots and PDFs (kept by CI via MBC_ARTIFACTS)."""
    target = os.environ.get("MBC_ARTIFACTS")
    if target:
        os.makedirs(target, exist_ok=True)
        return target
    return str(tmp_path_factory.mktemp("artifacts"))


# Audits skipped for want of the source documents (see tests/shared_docs.py): under
# MBC_REQUIRE_SHARED=1 (CI) the run fails, however the skip came about.
_skipped_audits: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped and isinstance(report.longrepr, tuple):
        reason = str(report.longrepr[2])
        if "MBC_SHARED_DIR" in reason:
            _skipped_audits.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    if _skipped_audits and os.environ.get("MBC_REQUIRE_SHARED") == "1":
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(
                f"MBC_REQUIRE_SHARED=1 but {len(_skipped_audits)} source audits were skipped "
                f"(first: {_skipped_audits[0]})",
                red=True,
            )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_collection_modifyitems(config, items):
    """The production smoke tests (tests/smoke/) start servers: they run only when asked
    for by marker (`-m smoke`), never in the default run or in `-m "not browser"`."""
    if "smoke" in (config.option.markexpr or ""):
        return
    smoke = [item for item in items if item.get_closest_marker("smoke") is not None]
    if smoke:
        config.hook.pytest_deselected(items=smoke)
        items[:] = [item for item in items if item.get_closest_marker("smoke") is None]
