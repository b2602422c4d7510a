"""The one date entry of every page: day, month by name, and year, so no date can be read
two ways (no browser's mm/dd/yyyy). It posts name_day, name_month, name_year; a client that
posts the field itself as ISO YYYY-MM-DD (the API's format) is understood as well."""

from __future__ import annotations

import calendar
import datetime as dt

from django import forms

MONTHS = [("", "Month")] + [(str(i), calendar.month_name[i]) for i in range(1, 13)]
PARTS = ("day", "month", "year")


class DayMonthYearWidget(forms.MultiWidget):
    template_name = "widgets/day_month_year.html"
    use_fieldset = True

    def __init__(self, attrs=None):
        widgets = {
            "day": forms.NumberInput(
                attrs={"min": 1, "max": 31, "inputmode": "numeric", "class": "date-day"}
            ),
            "month": forms.Select(choices=MONTHS, attrs={"class": "date-month"}),
            "year": forms.NumberInput(
                attrs={"min": 1900, "max": 2100, "inputmode": "numeric", "class": "date-year"}
            ),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                return [None, None, None]
        if isinstance(value, dt.date):
            return [value.day, str(value.month), value.year]
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        if name in data:  # the plain field, as ISO text
            return data.get(name)
        day, month, year = (str(data.get(f"{name}_{p}", "")).strip() for p in PARTS)
        if not (day or month or year):
            return ""
        if day.isdigit() and month.isdigit() and year.isdigit() and len(year) == 4:
            return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
        return f"{day}/{month}/{year}"  # not a date: the field says so

    def value_omitted_from_data(self, data, files, name):
        return name not in data and all(f"{name}_{p}" not in data for p in PARTS)


DATE_MESSAGE = "Enter a real date: day, month (chosen by name) and a four-digit year."


def mark_required(form_class, *names: str) -> None:
    """Mark fields a save needs, though the form leaves checking them to the service: the
    label says "(required)" (templates/_field.html) and assistive technology is told."""
    for name in names:
        field = form_class.base_fields[name]
        field.marked_required = True
        if not isinstance(field.widget, (forms.RadioSelect, forms.MultiWidget)):
            field.widget.attrs["aria-required"] = "true"
