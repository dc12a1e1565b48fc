"""How a figure is shown: one rounding for the pages, the files made from them and the headline."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def shown(value: float | None) -> int | None:
    """A figure as the page shows it with `floatformat:0`: a whole number, .5 rounded up (53.5 is
    54), where Python's round() would round half to even. Through Decimal of the float's
    shortest repr, so 52.5 is 53."""
    if value is None:
        return None
    return int(Decimal(repr(float(value))).quantize(Decimal(1), rounding=ROUND_HALF_UP))
