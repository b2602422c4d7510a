"""The synthetic survival cohort moved to outcomes.demo; its names stay importable here."""

from outcomes.demo import COHORT_SIZE, SEED, cohort_exists, seed_cohort

__all__ = ["COHORT_SIZE", "SEED", "cohort_exists", "seed_cohort"]
