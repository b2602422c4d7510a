"""Reports of one trial and the studies' own caveats; corrected framing of some figures.

Adds Study.trial and Study.caveats and fills them from evidence/data/studies.json. Brings the
figures whose framing was corrected up to evidence/data/figures.json: the hazard ratios of
soomro-2021 whose reference group the paper does not give (soomro-2021-25 to -31: comparison
and highlight), and the figures newly marked as reported inconsistently (soomro-2021-02 and
-04, severance-liver-05 and -06 against Table 1, and the note of severance-liver-07 to -10,
whose 1-year rates Table 2 contradicts). As in 0002, the files are read as they stand when the migration runs; a fresh
database already holds these values from 0002 and is left as it is.
"""

import json
from pathlib import Path

from django.db import migrations, models

DATA = Path(__file__).resolve().parent.parent / "data"

FIGURES = [
    *(f"soomro-2021-{n}" for n in range(25, 32)),
    "soomro-2021-02",
    "soomro-2021-04",
    "severance-liver-05",
    "severance-liver-06",
    "severance-liver-07",
    "severance-liver-08",
    "severance-liver-09",
    "severance-liver-10",
]


def read(name):
    with (DATA / name).open(encoding="utf-8") as handle:
        return json.load(handle)


def forward(apps, schema_editor):
    Study = apps.get_model("evidence", "Study")
    Figure = apps.get_model("evidence", "Figure")
    LibraryRevision = apps.get_model("evidence", "LibraryRevision")

    for row in read("studies.json")["studies"]:
        Study.objects.filter(key=row["key"]).update(
            trial=row["trial"] or "", caveats=row["caveats"]
        )
    rows = {row["id"]: row for row in read("figures.json")["figures"]}
    for key in FIGURES:
        row = rows[key]
        Figure.objects.filter(key=key).update(
            comparison=row["comparison"] or "",
            highlight=row["highlight"],
            inconsistent=row["inconsistent"],
            note=row["note"] or "",
        )
    # Every application server rebuilds the library it holds on its next request.
    revision, _ = LibraryRevision.objects.get_or_create(pk=1)
    LibraryRevision.objects.filter(pk=1).update(number=revision.number + 1)


class Migration(migrations.Migration):
    dependencies = [("evidence", "0003_library_revision")]

    operations = [
        migrations.AddField(
            model_name="study",
            name="trial",
            field=models.CharField(
                blank=True,
                help_text="the trial this entry reports (e.g. MF07-01); the same name on two "
                "studies marks reports of one trial",
                max_length=80,
            ),
        ),
        migrations.AddField(
            model_name="study",
            name="caveats",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text='the study\'s own limits: [{"code": "selected_patients" or '
                '"immortal_time", "text"}]',
            ),
        ),
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]
