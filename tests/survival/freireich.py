"""Remission times in weeks of the 6-MP and placebo arms of Freireich et al., Blood 1963
(the data set of Gehan 1965 and of most survival textbooks). 0 marks a censored time."""

MP_TIMES = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35]
MP_EVENTS = [1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]
PLACEBO_TIMES = [1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23]
PLACEBO_EVENTS = [1] * 21


def rows() -> list[tuple[str, int, int]]:
    return [("6-MP", t, e) for t, e in zip(MP_TIMES, MP_EVENTS, strict=True)] + [
        ("Placebo", t, e) for t, e in zip(PLACEBO_TIMES, PLACEBO_EVENTS, strict=True)
    ]
