"""One time representation: `t_s`, float64 seconds since the scenario epoch (a UTC instant).

`datetime` appears only at the edges (Epoch). UT1 is taken equal to UTC (|UT1−UTC| < 0.9 s,
an Earth-rotation error below 0.4 km at the equator — far inside sensor and tracking budgets;
stated in `hyperdef info`). Polar motion, precession and nutation are not modelled: ECI here is
ECEF rotated about z by the Earth rotation angle (docs/conventions.md#frames-and-time).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

J2000_JD = 2451545.0
SECONDS_PER_DAY = 86400.0


@dataclasses.dataclass(frozen=True)
class Epoch:
    """A UTC instant; the zero of every `t_s` in a scenario."""

    utc: _dt.datetime

    def __post_init__(self) -> None:
        if self.utc.tzinfo is None:
            object.__setattr__(self, "utc", self.utc.replace(tzinfo=_dt.UTC))
        else:
            object.__setattr__(self, "utc", self.utc.astimezone(_dt.UTC))

    @classmethod
    def parse(cls, text: str) -> Epoch:
        """From ISO-8601 ('2030-01-01T00:00:00Z'); a naive time is read as UTC."""
        return cls(_dt.datetime.fromisoformat(text.replace("Z", "+00:00")))

    def isoformat(self) -> str:
        return self.utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    @property
    def days_since_j2000(self) -> float:
        """UTC days since J2000.0 (2000-01-01T12:00 UTC; TT−UTC offset ignored, as UT1≈UTC)."""
        j2000 = _dt.datetime(2000, 1, 1, 12, tzinfo=_dt.UTC)
        return (self.utc - j2000).total_seconds() / SECONDS_PER_DAY

    @property
    def jd_utc(self) -> tuple[float, float]:
        """Julian date split (whole, fraction) to keep float64 precision, as sgp4 expects."""
        d = self.days_since_j2000
        whole = np.floor(d)
        return J2000_JD + whole, d - whole

    def to_datetime(self, t_s: float) -> _dt.datetime:
        return self.utc + _dt.timedelta(seconds=float(t_s))

    def t_s_of(self, when: _dt.datetime) -> float:
        if when.tzinfo is None:
            when = when.replace(tzinfo=_dt.UTC)
        return (when - self.utc).total_seconds()


def t_grid_s(duration_s: float, step_s: float) -> np.ndarray:
    """(n,) times 0, step, …, up to and including duration_s (the last step may be shorter)."""
    n = int(np.floor(duration_s / step_s + 1e-9))
    t = np.arange(n + 1, dtype=np.float64) * step_s
    if t[-1] < duration_s - 1e-9:
        t = np.append(t, duration_s)
    return t


def earth_rotation_angle_rad(t_s: ArrayLike, epoch: Epoch) -> jax.Array:
    """(...,) Earth rotation angle θ [rad] in [0, 2π) at t_s [s] after epoch (IERS 2010, Eq. 5.15).

    θ = 2π(0.7790572732640 + 1.00273781191135448·D_U), D_U = UT1 days since J2000.
    """
    d_u = epoch.days_since_j2000 + jnp.asarray(t_s) / SECONDS_PER_DAY
    frac = jnp.mod(0.7790572732640 + 0.00273781191135448 * d_u + jnp.mod(d_u, 1.0), 1.0)
    return 2.0 * jnp.pi * frac


def gmst_rad(t_s: ArrayLike, epoch: Epoch) -> jax.Array:
    """(...,) Greenwich mean sidereal time [rad], IAU 1982 model (Vallado, 4th ed., Eq. 3-47).

    This is the angle that takes sgp4's TEME frame to ECEF (Vallado et al., AIAA 2006-6753).
    """
    d_u = epoch.days_since_j2000 + jnp.asarray(t_s) / SECONDS_PER_DAY
    t_ut1 = d_u / 36525.0
    gmst_s = (
        67310.54841
        + (876600.0 * 3600.0 + 8640184.812866) * t_ut1
        + 0.093104 * t_ut1**2
        - 6.2e-6 * t_ut1**3
    )
    return jnp.mod(gmst_s / 240.0 * jnp.pi / 180.0, 2.0 * jnp.pi)
