"""python manage.py survival_report: Kaplan-Meier and log-rank of a CSV file, as JSON.

Prints {"groups": {NAME: {"n", "events", "median", "median_ci", "at"}}, "logrank_p": P}
on standard output, through the same evidence.survival code as the outcome pages. Times
are months. Groups too small to estimate are reported on standard error, and their
figures are null. A missing column or a bad value: a message naming it, exit status 2.

With --treated-at COL (the time of a treatment given after time zero, blank for none) it
adds comparisons free of immortal-time bias:
- --landmark L (repeatable): "landmarks": {L: {"n", "excluded": {"died", "censored"},
  "groups": {"treated", "untreated"}, "logrank_p", "hazard_ratio", "ci"}}, keyed by L as
  written; the groups' "at" times count from the landmark;
- --time-dependent: "time_dependent": {"hazard_ratio", "ci", "p", "n", "events"};
- --naive: "naive", the same fields for the biased fixed "ever treated" comparison.
"""

from __future__ import annotations

import json
import math
import sys

import pandas as pd
from django.core.management.base import BaseCommand

from evidence.survival import (
    InvalidSurvivalData,
    analyse,
    landmark_comparison,
    naive_cox,
    time_dependent_cox,
    treatment_times,
)


class Command(BaseCommand):
    help = (
        "Kaplan-Meier (median and survival at chosen times, with 95% CI) per group and the "
        "log-rank p value, from a CSV file with one row per patient; with --treated-at, "
        "landmark and time-dependent comparisons of a treatment. Prints JSON."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("--csv", required=True, metavar="FILE", help="CSV with a header row")
        parser.add_argument("--time", required=True, metavar="COL", help="follow-up in months")
        parser.add_argument("--event", required=True, metavar="COL", help="1 event, 0 censored")
        parser.add_argument("--group", metavar="COL", help="compare the groups in this column")
        parser.add_argument(
            "--at",
            default="",
            metavar="T1,T2,...",
            help="months at which to report survival (from the landmark in landmark groups)",
        )
        parser.add_argument(
            "--treated-at",
            metavar="COL",
            help="months from time zero to a treatment, blank for none (not with --group)",
        )
        parser.add_argument(
            "--landmark",
            action="append",
            default=[],
            metavar="L",
            help="compare patients alive at L months by treatment by then (repeatable)",
        )
        parser.add_argument(
            "--time-dependent",
            action="store_true",
            help="Cox model with treatment switching on at its time",
        )
        parser.add_argument(
            "--naive",
            action="store_true",
            help="add the biased fixed 'ever treated' comparison, for contrast",
        )

    def handle(self, *args, **options):
        at = self._times(options["at"])
        treated_col = options["treated_at"]
        landmarks = self._landmarks(options["landmark"])
        if treated_col and options["group"]:
            self._refuse(
                "--treated-at cannot be combined with --group: a treatment given after time "
                "zero is not a group at time zero. Leave out --group."
            )
        if not treated_col and (landmarks or options["time_dependent"] or options["naive"]):
            self._refuse("--landmark, --time-dependent and --naive need --treated-at COL.")
        frame = self._read(options["csv"])
        time_col, event_col = options["time"], options["event"]
        try:
            analysis = analyse(frame, time_col, event_col, options["group"], at)
            report = analysis.report()
            messages = analysis.messages()
            if treated_col:
                if treated_col not in frame.columns:
                    present = ", ".join(str(c) for c in frame.columns)
                    raise InvalidSurvivalData(
                        f"No column '{treated_col}' in the data (columns: {present}).",
                        column=treated_col,
                    )
                t, e, treated = frame[time_col], frame[event_col], frame[treated_col]
                treatment_times(treated, t, treated_col)  # refused here even if unused
                effects = [naive_cox(t, e, treated)] if options["naive"] else []
                if landmarks:
                    report["landmarks"] = {}
                for key, value in landmarks:
                    result = landmark_comparison(t, e, treated, value, at=at)
                    report["landmarks"][key] = result.report()
                    messages += [f"Landmark {key}: {m}" for m in result.messages()]
                if options["time_dependent"]:
                    effects.insert(0, time_dependent_cox(t, e, treated))
                for effect in effects:
                    report[effect.kind] = effect.report()
                    if effect.message:
                        messages.append(f"{effect.kind.replace('_', '-')}: {effect.message}")
        except InvalidSurvivalData as exc:
            self._refuse(str(exc))
        for message in messages:
            self.stderr.write(message)
        self.stdout.write(json.dumps(report, indent=2))

    def _times(self, text: str) -> list[float]:
        items = [item.strip() for item in text.split(",") if item.strip()]
        try:
            return [float(item) for item in items]
        except ValueError:
            self._refuse(f"--at must be months separated by commas (12,24,36), not {text!r}.")

    def _landmarks(self, values: list[str]) -> list[tuple[str, float]]:
        found = []
        for text in values:
            key = text.strip()
            try:
                value = float(key)
            except ValueError:
                value = math.nan
            if not math.isfinite(value) or value < 0:
                self._refuse(f"--landmark must be months of zero or more, not {text!r}.")
            found.append((key, value))
        return found

    def _read(self, name: str) -> pd.DataFrame:
        try:
            return pd.read_csv(name)
        except FileNotFoundError:
            self._refuse(f"Cannot read {name}: no such file.")
        except (
            OSError,
            UnicodeDecodeError,
            pd.errors.ParserError,
            pd.errors.EmptyDataError,
        ) as exc:
            self._refuse(f"Cannot read {name} as CSV: {exc}")

    def _refuse(self, message: str):
        self.stderr.write(message)
        sys.exit(2)
