"""Clock of the synthetic world: six months of 2026, local hours, UTC offsets with DST.

Times are int64 seconds. `local` is the wall clock read as if it were UTC; `utc` is the
instant. A row is written as its local clock plus the offset in force there and then.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np

from .names import REGIONS

START = date(2026, 1, 1)
DAYS = 181  # 2026-01-01 .. 2026-06-30
DAY = 86_400
HOUR = 3_600
START_S = int(datetime(2026, 1, 1, tzinfo=UTC).timestamp())
# US daylight saving time in 2026, local wall clock: 8 March 02:00 to 1 November 02:00.
DST_FROM = int(datetime(2026, 3, 8, 2, tzinfo=UTC).timestamp())
DST_TO = int(datetime(2026, 11, 1, 2, tzinfo=UTC).timestamp())

_STD = {r.code: r.std_offset for r in REGIONS}
_HAS_DST = {r.code: r.dst for r in REGIONS}

# Relative weight of each local hour 0..23 for kinds of activity.
HOURS_DAY = np.array(
    [0, 0, 0, 0, 0, 0, 1, 2, 4, 6, 7, 7, 8, 8, 7, 7, 7, 7, 6, 5, 3, 2, 1, 0.5]
)
HOURS_SHOP = np.array(
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 6, 7, 7, 7, 7, 7, 7, 7, 6, 5, 3, 1, 0, 0]
)
HOURS_EVENING = np.array(
    [3, 2, 1, 0.3, 0, 0, 0, 0, 0, 0, 0, 1, 3, 2, 1, 1, 2, 4, 6, 8, 9, 9, 8, 6]
)
HOURS_BAR = np.array(
    [7, 6, 3, 0.5, 0, 0, 0, 0, 0, 0, 0, 1, 2, 1, 1, 1, 2, 4, 6, 8, 9, 9, 9, 8]
)
HOURS_NIGHT = np.array(
    [8, 8, 7, 6, 4, 2, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4, 6, 8, 9]
)
HOURS_LATE = np.array(
    [8, 7, 5, 3, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 6, 8]
)
HOURS_ANY = np.ones(24)
HOURS_BANKING = np.array(
    [0, 0, 0, 0, 0, 0, 0, 0, 2, 6, 8, 8, 7, 7, 8, 7, 6, 3, 1, 0, 0, 0, 0, 0]
)


def local_times(
    rng: np.random.Generator,
    n: int,
    hours: np.ndarray = HOURS_DAY,
    day_lo: int | np.ndarray = 0,
    day_hi: int | np.ndarray = DAYS,
) -> np.ndarray:
    """`n` local wall-clock times, days uniform in [day_lo, day_hi), hours by weight."""
    days = rng.integers(day_lo, day_hi, size=n) if n else np.zeros(0, np.int64)
    p = hours / hours.sum()
    hour = rng.choice(24, size=n, p=p)
    sec = rng.integers(0, 3600, size=n)
    return START_S + days.astype(np.int64) * DAY + hour * HOUR + (sec // 60) * 60


def offsets_at_local(local: np.ndarray, regions: np.ndarray | str) -> np.ndarray:
    """UTC offset in minutes in force at a local time in a region (DST aware)."""
    regions = _as_array(regions, len(local))
    std = np.array([_STD[r] for r in _uniq(regions)], dtype=np.int64)
    has = np.array([_HAS_DST[r] for r in _uniq(regions)], dtype=bool)
    _, inv = np.unique(regions.astype(str), return_inverse=True)
    in_dst = (local >= DST_FROM) & (local < DST_TO)
    return (std[inv] + 60 * (in_dst & has[inv])).astype(np.int16)


def offsets_at_utc(utc: np.ndarray, regions: np.ndarray | str) -> np.ndarray:
    """UTC offset in minutes in force at an instant in a region."""
    regions = _as_array(regions, len(utc))
    uniq = _uniq(regions)
    std = np.array([_STD[r] for r in uniq], dtype=np.int64)
    _, inv = np.unique(regions.astype(str), return_inverse=True)
    return offsets_at_local(utc + std[inv] * 60, regions)


def to_utc(
    local: np.ndarray, regions: np.ndarray | str
) -> tuple[np.ndarray, np.ndarray]:
    """(utc, offset minutes) of local wall-clock times in the given regions."""
    off = offsets_at_local(local, regions)
    return local - off.astype(np.int64) * 60, off


def iso_timestamps(utc: np.ndarray, off: np.ndarray) -> np.ndarray:
    """`2026-03-04T23:15:00-06:00` for each instant and offset."""
    local = (utc + off.astype(np.int64) * 60).astype("datetime64[s]")
    text = np.datetime_as_string(local, unit="s").astype(object)
    codes, inv = np.unique(off, return_inverse=True)
    suffix = np.array([_offset_text(int(c)) for c in codes], dtype=object)[inv]
    return text + suffix


def iso_date(day: int) -> str:
    """Day number since 2026-01-01 (may be negative) as an ISO date."""
    return date.fromordinal(START.toordinal() + int(day)).isoformat()


def _offset_text(minutes: int) -> str:
    sign = "-" if minutes < 0 else "+"
    m = abs(minutes)
    return f"{sign}{m // 60:02d}:{m % 60:02d}"


def _as_array(regions: np.ndarray | str, n: int) -> np.ndarray:
    if isinstance(regions, str):
        return np.full(n, regions, dtype=object)
    return np.asarray(regions, dtype=object)


def _uniq(regions: np.ndarray) -> list[str]:
    return [str(r) for r in np.unique(regions.astype(str))]
