"""STK ephemeris files (`.e`), one per object and stretch of finite states.

Keywords as in AGI's "STK Ephemeris File (*.e) Format" (STK Help): a version line, then
`BEGIN Ephemeris` … `END Ephemeris` with NumberOfEphemerisPoints, ScenarioEpoch (UTCG text
"1 Jan 2030 00:00:00.000000"), InterpolationMethod / InterpolationSamplesM1, CentralBody Earth,
CoordinateSystem Fixed (the Earth-fixed frame; ours is WGS84 ECEF), DistanceUnit Meters, and the
`EphemerisTimePosVel` table of "t x y z vx vy vz" with t in seconds since ScenarioEpoch. Track
files add `CovarianceTimePosVel`: per time the 21 lower-triangle entries of the 6×6
position-velocity covariance in m², m²/s, m²/s².

STK does not interpolate across a gap inside one file's table, so an object with several
stretches of states gets one file per stretch (`NAME.e`, `NAME_2.e`, …).
"""

from __future__ import annotations

from typing import cast

import numpy as np

from hyperdef.io.ephemeris import Ephemeris
from hyperdef.time import Epoch

SUFFIX = ".e"
VERSION = "stk.v.11.0"


def _utcg(epoch: Epoch) -> str:
    u = epoch.utc
    return f"{u.day} {u.strftime('%b %Y %H:%M:%S')}.{u.microsecond:06d}"


def stk_texts(eph: Ephemeris, *, epoch_utc: str, covariance: bool) -> list[str]:
    """The .e texts of one object, one per finite segment (see the module docstring)."""
    epoch = Epoch.parse(epoch_utc)
    out = []
    for seg in eph.segments():
        t, r, v = eph.t_s[seg], eph.r_ecef_m[seg], eph.v_ecef_mps[seg]
        lines = [VERSION, f"# hyperdef object {eph.object_id} ({eph.kind})", "BEGIN Ephemeris",
                 f"    NumberOfEphemerisPoints {t.size}",
                 f"    ScenarioEpoch {_utcg(epoch)}",
                 "    InterpolationMethod Lagrange",
                 f"    InterpolationSamplesM1 {min(5, max(t.size - 1, 1))}",
                 "    CentralBody Earth", "    CoordinateSystem Fixed",
                 "    DistanceUnit Meters", "", "EphemerisTimePosVel", ""]
        lines += [f"{t[k]:.6f} " + " ".join(f"{x:.6f}" for x in np.concatenate([r[k], v[k]]))
                  for k in range(t.size)]
        if covariance:
            low = np.tril_indices(6)
            lines += ["", "CovarianceTimePosVel", ""]
            # Covariance is asked for only where the ephemeris has P (io.export checks it).
            cov = cast(np.ndarray, eph.P)
            lines += [f"{t[k]:.6f} " + " ".join(f"{x:.9e}" for x in cov[seg][k][low])
                      for k in range(t.size)]
        lines += ["", "END Ephemeris"]
        out.append("\n".join(lines) + "\n")
    return out
