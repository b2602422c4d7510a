"""Load the evidence library from evidence/data/*.json.

Numbers are read as Decimal and stored as the text the file holds ("80.0", "1.70"), so the
database keeps every figure exactly as the source writes it. The files are read as they
stand when the migration runs; a later change to a file comes with its own migration.
"""

import json
from decimal import Decimal
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def read(name):
    with (DATA / name).open(encoding="utf-8") as handle:
        return json.load(handle, parse_float=Decimal)


def text(value):
    return "" if value is None else str(value)


def load(apps, schema_editor):
    Study = apps.get_model("evidence", "Study")
    Figure = apps.get_model("evidence", "Figure")
    LiverPatient = apps.get_model("evidence", "LiverPatient")
    Reference = apps.get_model("evidence", "Reference")

    liver = read("liver_patients.json")
    studies = {}
    for position, row in enumerate(read("studies.json")["studies"], start=1):
        studies[row["key"]] = Study.objects.create(
            position=position,
            key=row["key"],
            title=row["title"],
            title_is_descriptive=row["title_is_descriptive"],
            citation=row["citation"],
            doi=text(row["doi"]),
            design=row["design"],
            design_detail=row["design_detail"],
            randomised=row["randomised"],
            n_total=row["n_total"],
            n_approximate=row["n_approximate"],
            arms=row["arms"],
            population=row["population"],
            interventions=row["interventions"],
            source=row["source"],
            related=row["related"],
            summary=row["summary"],
            notes=liver["notes"] if row["key"] == liver["study"] else [],
        )

    figures = []
    for position, row in enumerate(read("figures.json")["figures"], start=1):
        subgroup = row["subgroup"] or {}
        figures.append(
            Figure(
                study=studies[row["study"]],
                key=row["id"],
                position=position,
                source=row["source"],
                location=row["location"],
                endpoint=row["endpoint"],
                measure=row["measure"],
                time_months=row["time_months"],
                arm=text(row["arm"]),
                comparison=text(row["comparison"]),
                subgroup_kind=subgroup.get("kind", ""),
                subgroup_value=subgroup.get("value", ""),
                subgroup_label=subgroup.get("label", ""),
                n=row["n"],
                value=text(row["value"]),
                unit=row["unit"],
                ci_low=text(row["ci_low"]),
                ci_high=text(row["ci_high"]),
                ci_level=row["ci_level"],
                p_value=text(row["p_value"]),
                highlight=row["highlight"],
                inconsistent=row["inconsistent"],
                note=text(row["note"]),
                quote=row["quote"],
                p_quote=text(row["p_quote"]),
            )
        )
    Figure.objects.bulk_create(figures)

    LiverPatient.objects.bulk_create(
        LiverPatient(
            study=studies[liver["study"]],
            key=row["id"],
            table=row["table"],
            case=row["case"],
            group=row["group"],
            sex=row["sex"],
            age=row["age"],
            pathology=row["pathology"],
            grade_as_written=row["grade_as_written"],
            grade=row["grade"],
            tnm=row["tnm"],
            receptors_as_written=row["receptors_as_written"],
            er=row["er"],
            pr=row["pr"],
            her2=row["her2"],
            extrahepatic_site_as_written=text(row["extrahepatic_site_as_written"]),
            extrahepatic_site=text(row["extrahepatic_site"]),
            liver_segments=row["liver_segments"],
            resection_as_written=row["resection_as_written"],
            resection=row["resection"],
            rfa=row["rfa"],
            postoperative_chemotherapy=row["postoperative_chemotherapy"],
            survival_months=text(row["survival_months"]),
        )
        for row in liver["patients"]
    )

    references = read("pockaj_references.json")
    Reference.objects.bulk_create(
        Reference(
            cited_by=studies[references["study"]],
            number=row["number"],
            citation=row["citation"],
            first_author=row["first_author"],
            year=row["year"],
            tag=row["tag"],
            tag_basis=row["tag_basis"],
            study=studies[row["study"]] if row["study"] else None,
            note=text(row["note"]),
        )
        for row in references["references"]
    )


def unload(apps, schema_editor):
    for name in ("Reference", "LiverPatient", "Figure", "Study"):
        apps.get_model("evidence", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("evidence", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
