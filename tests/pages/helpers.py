"""Turn a case body (as tests/conftest.py's case_data builds it) into what the case form posts."""

from __future__ import annotations

from typing import Any

from django.test import Client

NULLABLE_TICKS = ("systemic_disease_controlled", "resectable", "primary_in_situ", "bulky_disease")


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def form_data(
    body: dict[str, Any], *, version: int | None = None, empty_rows: int = 0
) -> dict[str, str]:
    """The POST of the case form for `body`, with `empty_rows` untouched site rows after it."""
    data: dict[str, str] = {}
    symptomatic = set(body.get("symptomatic_sites", []))
    for name, value in body.items():
        if name in ("sites", "symptomatic_sites", "workup"):
            continue
        if name in NULLABLE_TICKS:
            data[name] = {True: "true", False: "false", None: "unknown"}[value]
        elif value is True:
            data[name] = "on"
        elif value is False:
            continue
        elif value is None:
            data[name] = ""
        else:
            data[name] = str(value)
    sites = body.get("sites", [])
    data["sites-TOTAL_FORMS"] = str(len(sites) + empty_rows)
    data["sites-INITIAL_FORMS"] = "0"
    data["sites-MIN_NUM_FORMS"] = "0"
    data["sites-MAX_NUM_FORMS"] = "1000"
    for i, site in enumerate(sites):
        data[f"sites-{i}-site"] = site["site"] or ""
        data[f"sites-{i}-lesions"] = "" if site["lesions"] is None else str(site["lesions"])
        if site["site"] in symptomatic:
            data[f"sites-{i}-symptomatic"] = "on"
    for i in range(len(sites), len(sites) + empty_rows):
        data[f"sites-{i}-site"] = ""
        data[f"sites-{i}-lesions"] = ""
    for item, done in body.get("workup", {}).items():
        if done:
            data[f"workup_{item}"] = "on"
    if version is not None:
        data["version"] = str(version)
    return data
