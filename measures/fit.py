"""Log-linear least squares in plain Python: doubling times and projected crossings with a
90% interval on the slope (Student's t), the way METR and Epoch report theirs."""

import dataclasses
import datetime as dt
import math
from collections.abc import Sequence

# Two-sided 90% quantiles of Student's t (the 0.95 quantile), by degrees of freedom.
_T95 = {1: 6.314, 2: 2.920, 3: 2.353, 4: 2.132, 5: 2.015, 6: 1.943, 7: 1.895, 8: 1.860, 9: 1.833, 10: 1.812,
        11: 1.796, 12: 1.782, 13: 1.771, 14: 1.761, 15: 1.753, 16: 1.746, 17: 1.740, 18: 1.734, 19: 1.729,
        20: 1.725, 21: 1.721, 22: 1.717, 23: 1.714, 24: 1.711, 25: 1.708, 26: 1.706, 27: 1.703, 28: 1.701,
        29: 1.699, 30: 1.697, 40: 1.684, 60: 1.671, 120: 1.658}
_Z95 = 1.645


def t_quantile_95(df: int) -> float:
    """The t quantile for a two-sided 90% interval; between table rows the next smaller df
    (a slightly wider interval, never a narrower one)."""
    if df < 1:
        raise ValueError("a t interval needs at least one degree of freedom")
    if df in _T95:
        return _T95[df]
    smaller = [k for k in _T95 if k < df]
    return _T95[max(smaller)] if df <= 120 else _Z95


class TooFewPoints(ValueError):
    pass


@dataclasses.dataclass(frozen=True)
class LogLinearFit:
    """log2(value) = intercept + slope * days since `origin`."""

    origin: dt.date
    slope: float  # doublings per day
    intercept: float
    slope_se: float
    n: int
    mean_x: float
    mean_y: float

    @property
    def t(self) -> float:
        return t_quantile_95(self.n - 2)

    @property
    def slope_interval(self) -> tuple[float, float]:
        half = self.t * self.slope_se
        return self.slope - half, self.slope + half

    @property
    def doubling_days(self) -> float:
        """Days per doubling (negative: days per halving)."""
        return math.inf if self.slope == 0 else 1 / self.slope

    @property
    def doubling_interval(self) -> tuple[float, float]:
        """90% interval of the doubling (or, for a falling trend, halving) time in days;
        the far end is infinite when the slope's interval reaches zero."""
        low, high = self.slope_interval
        if self.slope < 0:
            low, high = -high, -low
        return (1 / high if high > 0 else math.inf), (1 / low if low > 0 else math.inf)

    def day_reaching(self, value: float, slope: float | None = None) -> float | None:
        """Days after origin when the line (pivoting on the data's centre) reaches value."""
        slope = self.slope if slope is None else slope
        if slope == 0 or value <= 0:
            return None
        return self.mean_x + (math.log2(value) - self.mean_y) / slope


def fit_log_linear(points: Sequence[tuple[dt.date, float]], origin: dt.date | None = None) -> LogLinearFit:
    pts = [(d, v) for d, v in points if v > 0]
    if len(pts) < 3:
        raise TooFewPoints(f"a trend needs at least 3 positive records, found {len(pts)}")
    origin = origin or min(d for d, _ in pts)
    xs = [(d - origin).days for d, _ in pts]
    ys = [math.log2(v) for _, v in pts]
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    if sxx == 0:
        raise TooFewPoints("all records share one date: no trend can be fitted")
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / sxx
    intercept = mean_y - slope * mean_x
    residual = sum((y - intercept - slope * x) ** 2 for x, y in zip(xs, ys))
    slope_se = math.sqrt(residual / (n - 2) / sxx)
    return LogLinearFit(origin, slope, intercept, slope_se, n, mean_x, mean_y)
