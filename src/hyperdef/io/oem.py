"""CCSDS Orbit Ephemeris Message 2.0 in KVN (key = value notation), one file per object.

Layout and keywords follow CCSDS 502.0-B-2 "Orbit Data Messages" (Blue Book, 2009), §5: a header
(CCSDS_OEM_VERS, CREATION_DATE, ORIGINATOR), then per segment a metadata block (OBJECT_NAME,
OBJECT_ID, CENTER_NAME, REF_FRAME, TIME_SYSTEM, START_TIME, STOP_TIME), the data lines
"epoch x y z vx vy vz" in km and km/s, and optionally a covariance block: per epoch the lower
triangle of the 6×6 position-velocity covariance, row by row, in km², km²/s, km²/s² (§5.2.5).

The frame is hyperdef's ECEF, the WGS84 Earth-fixed frame, written as REF_FRAME = ITRF2000 (a
name the standard's annex lists): WGS84 as realised since G1150 agrees with ITRF2000 to a few
centimetres (NGA, "World Geodetic System 1984", NGA.STND.0036, 2014, §2), far below any error
modelled here; polar motion is not modelled (a COMMENT line says so). One segment per stretch of
finite states; positions carry 1 µm resolution (1e-9 km), so reading a file back reproduces the
run's positions far inside a millimetre.
"""

from __future__ import annotations

import datetime as dt
from typing import cast

import numpy as np

from hyperdef.io.ephemeris import Ephemeris
from hyperdef.time import Epoch

REF_FRAME = "ITRF2000"
SUFFIX = ".oem"


def _epoch_text(epoch: Epoch, t_s: float) -> str:
    return epoch.to_datetime(t_s).strftime("%Y-%m-%dT%H:%M:%S.%f")


def _cov_lines(P_m: np.ndarray) -> list[str]:  # noqa: N803 — P is the standard symbol
    """Lower triangle of one 6×6 covariance [m², m²/s, m²/s²] in km units, one row per line."""
    P_km = np.asarray(P_m) * 1e-6  # noqa: N806 — every entry is a product of two m or m/s terms
    return [" ".join(f"{P_km[i, j]: .15e}" for j in range(i + 1)) for i in range(6)]


def oem_text(eph: Ephemeris, *, epoch_utc: str, covariance: bool,
             created: dt.datetime | None = None) -> str:
    """The KVN text of one object's OEM (all its finite segments).

    eph: the object's Ephemeris (ECEF states, P for tracks); epoch_utc: the scenario epoch (ISO
    text); covariance: add a covariance block per segment (eph.P must exist).
    """
    epoch = Epoch.parse(epoch_utc)
    created = created or dt.datetime.now(dt.UTC)
    lines = ["CCSDS_OEM_VERS = 2.0",
             f"CREATION_DATE = {created.strftime('%Y-%m-%dT%H:%M:%S')}",
             "ORIGINATOR = hyperdef", ""]
    for seg in eph.segments():
        t = eph.t_s[seg]
        lines += ["META_START",
                  "COMMENT ECEF = WGS84 Earth-fixed; polar motion not modelled",
                  f"COMMENT hyperdef object {eph.object_id} ({eph.kind}), "
                  f"t = 0 s at {epoch.isoformat()}",
                  f"OBJECT_NAME = {eph.object_id}", f"OBJECT_ID = {eph.object_id}",
                  "CENTER_NAME = EARTH", f"REF_FRAME = {REF_FRAME}", "TIME_SYSTEM = UTC",
                  f"START_TIME = {_epoch_text(epoch, t[0])}",
                  f"STOP_TIME = {_epoch_text(epoch, t[-1])}", "META_STOP", ""]
        r_km, v_kps = eph.r_ecef_m[seg] / 1e3, eph.v_ecef_mps[seg] / 1e3
        for k in range(t.size):
            lines.append(f"{_epoch_text(epoch, t[k])} "
                         + " ".join(f"{x:.9f}" for x in r_km[k]) + " "
                         + " ".join(f"{x:.12f}" for x in v_kps[k]))
        if covariance:
            # Covariance is asked for only where the ephemeris has P (io.export checks it).
            cov = cast(np.ndarray, eph.P)
            lines += ["", "COVARIANCE_START"]
            for k in range(t.size):
                lines += [f"EPOCH = {_epoch_text(epoch, t[k])}",
                          f"COV_REF_FRAME = {REF_FRAME}", *_cov_lines(cov[seg][k])]
            lines.append("COVARIANCE_STOP")
        lines.append("")
    return "\n".join(lines) + "\n"
