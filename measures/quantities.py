"""Numbers in the words of result sentences: 2.1 × 10²⁴ FLOP, 12 h, $40.6 M, 0.88, 137 MW."""

import enum
import math

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def scientific(value: float, digits: int = 2) -> str:
    """2.05e24 -> '2.1 × 10²⁴' (digits significant figures)."""
    if value == 0:
        return "0"
    exponent = math.floor(math.log10(abs(value)))
    mantissa = round(value / 10**exponent, digits - 1)
    if abs(mantissa) >= 10:  # 9.96 rounds up to 10.0
        mantissa, exponent = mantissa / 10, exponent + 1
    return f"{mantissa:.{digits - 1}f} × 10{str(exponent).translate(_SUPERSCRIPT)}"


def _significant(value: float, digits: int = 3) -> str:
    if value == 0:
        return "0"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(value))))
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def money(value: float) -> str:
    for size, suffix in ((1e12, " T"), (1e9, " bn"), (1e6, " M"), (1e3, " k")):
        if abs(value) >= size:
            return f"${_significant(value / size)}{suffix}"
    return f"${_significant(value)}"


def duration_minutes(minutes: float) -> str:
    """METR horizons are in human minutes: 0.6 min -> '36 s', 90 -> '1.5 h', 3000 -> '50 h'."""
    if minutes < 1:
        return f"{_significant(minutes * 60, 2)} s"
    if minutes < 60:
        return f"{_significant(minutes, 2)} min"
    return f"{_significant(minutes / 60, 2)} h"


def power(watts: float) -> str:
    for size, suffix in ((1e9, " GW"), (1e6, " MW"), (1e3, " kW")):
        if abs(watts) >= size:
            return f"{_significant(watts / size)}{suffix}"
    return f"{_significant(watts)} W"


def quantity(value: float | None, unit: str) -> str:
    """A value in its unit, as a sentence would say it."""
    if value is None:
        return "no value"
    if unit == "FLOP":
        return f"{scientific(value)} FLOP"
    if unit == "USD":
        return money(value)
    if unit == "minutes":
        return duration_minutes(value)
    if unit == "W":
        return power(value)
    if unit == "parameters":
        return f"{scientific(value)} parameters" if value >= 1e6 else f"{_significant(value)} parameters"
    if unit == "fraction correct":
        return f"{value:.2f}"
    if unit == "months":
        return f"{_significant(value, 2)} months"
    if unit == "days":
        return f"{value:.0f} days"
    if abs(value) >= 1e6:
        return f"{scientific(value)}{' ' + unit if unit else ''}"
    return f"{_significant(value)}{' ' + unit if unit and unit != 'ECI points' else ''}"


def difference(value: float, unit: str) -> str:
    """A signed change: '+0.52', '−3.1 ECI points'."""
    sign = "+" if value >= 0 else "−"
    body = quantity(abs(value), unit)
    if unit == "ECI points":
        body += " points"
    return f"{sign}{body}"


def ratio(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}×"
    return f"{_significant(value, 2)}×"


class Unit(enum.Enum):
    """A series' unit as charts read it: static/js/charts.js formats ticks and hover text by the
    same rules as quantity() above (it receives the unit's value in the payload)."""

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
        return quantity(value, _QUANTITY_UNIT[self])


_QUANTITY_UNIT = {Unit.FLOP: "FLOP", Unit.USD: "USD", Unit.WATTS: "W", Unit.PARAMETERS: "parameters",
                  Unit.MINUTES: "minutes", Unit.FRACTION: "fraction correct", Unit.NUMBER: ""}
