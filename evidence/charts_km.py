"""The Kaplan-Meier chart moved to outcomes.charts; its names stay importable here."""

from outcomes.charts import COLOURS, default_ticks, km_svg

__all__ = ["COLOURS", "default_ticks", "km_svg"]
