"""Human units for chart ticks, hover labels and sentences: 2.1 × 10²⁴ FLOP, 12 h, $40.6 M.

static/js/charts.js formats ticks and hover text with the same rules (it receives the unit's
name in the payload), so a page's text and its chart read the same number the same way.
"""

import enum
import math

SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
SCALE = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k"))


def _sig(value: float, digits: int = 3) -> str:
    """A number to ``digits`` significant figures without trailing zeros."""
    if value == 0:
        return "0"
    text = f"{value:.{digits}g}"
    if "e" in text:  # Python switches to exponents for large values: write them out
        text = f"{value:.0f}"
    return text


def scientific(value: float) -> str:
    """2.1 × 10²⁴: one decimal, a superscript exponent."""
    if value == 0:
        return "0"
    exponent = math.floor(math.log10(abs(value)))
    mantissa = value / 10 ** exponent
    if round(mantissa, 1) >= 10:
        mantissa, exponent = mantissa / 10, exponent + 1
    return f"{mantissa:.1f} × 10{str(exponent).translate(SUPERSCRIPT)}"


def scaled(value: float) -> str:
    """40.6 M, 1.2 k: thousands, millions, billions, trillions."""
    for size, suffix in SCALE:
        if abs(value) >= size:
            return f"{_sig(value / size)} {suffix}"
    return _sig(value)


def duration_from_minutes(minutes: float) -> str:
    """METR horizons: 40 s, 12 min, 2.5 h, 3.1 days."""
    if minutes < 1:
        return f"{_sig(minutes * 60, 2)} s"
    if minutes < 60:
        return f"{_sig(minutes, 2)} min"
    if minutes < 48 * 60:
        return f"{_sig(minutes / 60, 2)} h"
    return f"{_sig(minutes / (24 * 60), 2)} days"


class Unit(enum.Enum):
    FLOP = "flop"
    USD = "usd"
    WATTS = "watts"
    PARAMETERS = "parameters"
    MINUTES = "minutes"
    FRACTION = "fraction"
    NUMBER = "number"

    @classmethod
    def for_benchmark(cls, unit: str) -> "Unit":
        return {"minutes": cls.MINUTES, "fraction correct": cls.FRACTION}.get(unit, cls.NUMBER)

    @classmethod
    def for_series(cls, unit: str) -> "Unit":
        return {"FLOP": cls.FLOP, "USD": cls.USD, "$": cls.USD}.get(unit, cls.NUMBER)

    @property
    def axis_title(self) -> str:
        return {
            Unit.FLOP: "FLOP", Unit.USD: "US dollars", Unit.WATTS: "watts", Unit.PARAMETERS: "parameters",
            Unit.MINUTES: "task length (human time)", Unit.FRACTION: "fraction correct", Unit.NUMBER: "",
        }[self]

    def format(self, value: float | None) -> str:
        if value is None:
            return "—"
        if self is Unit.FLOP:
            return f"{scientific(value)} FLOP"
        if self is Unit.USD:
            return f"${scaled(value)}"
        if self is Unit.WATTS:
            for size, prefix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
                if value >= size:
                    return f"{_sig(value / size)} {prefix}W"
            return f"{_sig(value)} W"
        if self is Unit.PARAMETERS:
            return scaled(value)
        if self is Unit.MINUTES:
            return duration_from_minutes(value)
        if self is Unit.FRACTION:
            return f"{value:.2f}" if abs(value) >= 0.01 or value == 0 else _sig(value, 2)
        return scaled(value)
