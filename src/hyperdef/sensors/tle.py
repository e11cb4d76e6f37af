"""Two-line element sets: strict reading and propagation through sgp4's array API.

SGP4 (Hoots & Roehrich, Spacetrack Report #3, 1980; Vallado et al., "Revisiting Spacetrack
Report #3", AIAA 2006-6753) returns TEME states; TEME goes to ECEF (pseudo-Earth-fixed) by a
rotation about z through GMST (IAU-82), Vallado et al. 2006 §"TEME": r_pef = R3(θ_GMST) r_teme,
v_pef = R3(θ_GMST) v_teme − ω⊕ × r_pef. Polar motion (≤ 15 m) is neglected, as everywhere in
hyperdef (docs/conventions.md#tles-and-teme).

The reader checks each line's layout and Modulo-10 checksum (the NORAD format, CelesTrak
"NORAD Two-Line Element Set Format") before sgp4 sees it, so a malformed file fails with
`file:line: what is wrong`.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
from jax.typing import ArrayLike
from sgp4.api import Satrec, SatrecArray

from hyperdef.constants import OMEGA_EARTH_RADPS
from hyperdef.earth.frames import eci_to_ecef_state
from hyperdef.time import Epoch, gmst_rad

TLE_LINE_LENGTH = 69


class TleError(ValueError):
    """A TLE file that cannot be used; the message starts with `file:line:`."""


@dataclasses.dataclass(frozen=True)
class TleSet:
    """Satellites read from one TLE file, in file order."""

    source: str
    names: tuple[str, ...]
    satrecs: tuple[Satrec, ...]

    def __len__(self) -> int:
        return len(self.satrecs)


def checksum(line: str) -> int:
    """NORAD Modulo-10 checksum of a TLE line's first 68 columns (digits count, '-' counts 1)."""
    return sum(int(c) if c.isdigit() else (1 if c == "-" else 0) for c in line[:68]) % 10


# Numeric fields (1-based inclusive columns, NORAD format): sgp4's reader is lenient about them,
# so they are checked here to turn a typo into an error instead of a silently wrong orbit.
_FIELDS = {
    "1": (("catalogue number", 3, 7, "int"), ("epoch year", 19, 20, "int"),
          ("epoch day", 21, 32, "float"), ("first derivative of mean motion", 34, 43, "float")),
    "2": (("catalogue number", 3, 7, "int"), ("inclination", 9, 16, "float"),
          ("right ascension of the node", 18, 25, "float"), ("eccentricity", 27, 33, "int"),
          ("argument of perigee", 35, 42, "float"), ("mean anomaly", 44, 51, "float"),
          ("mean motion", 53, 63, "float")),
}


def _check_fields(line: str, number: str, where: str) -> None:
    for name, a, b, kind in _FIELDS[number]:
        text = line[a - 1:b].strip()
        try:
            # Alpha-5 catalogue numbers start with a letter (A = 10 …); the rest is digits.
            (int(text[1:] if kind == "int" and text[:1].isalpha() else text) if kind == "int"
             else float(text))
        except ValueError:
            raise TleError(f"{where}: columns {a}-{b} ({name}) must be a number, "
                           f"got {text!r}") from None


def _check_line(line: str, number: str, where: str) -> None:
    if not line.startswith(f"{number} "):
        raise TleError(f"{where}: expected TLE line {number} (starting '{number} '), "
                       f"got {line[:20]!r}")
    if len(line) != TLE_LINE_LENGTH:
        raise TleError(f"{where}: TLE line {number} must have {TLE_LINE_LENGTH} columns, "
                       f"has {len(line)}")
    if not line[68].isdigit():
        raise TleError(f"{where}: column 69 must be the checksum digit, got {line[68]!r}")
    if checksum(line) != int(line[68]):
        raise TleError(f"{where}: checksum is {line[68]} but the line sums to {checksum(line)} "
                       "(mod 10); the line is corrupt")
    _check_fields(line, number, where)


def parse_tle(text: str, source: str = "<tle>") -> TleSet:
    """Read 2-line or 3-line (name + 2 lines) element sets; raises TleError with file:line."""
    lines = [(i + 1, raw.rstrip()) for i, raw in enumerate(text.splitlines())]
    lines = [(n, s) for n, s in lines if s.strip() and not s.lstrip().startswith("#")]
    names, sats = [], []
    i = 0
    while i < len(lines):
        n, s = lines[i]
        name = None
        if not s.startswith("1 "):
            name = s[2:].strip() if s.startswith("0 ") else s.strip()
            i += 1
            if i >= len(lines):
                raise TleError(f"{source}:{n}: name line {name!r} is not followed by TLE lines")
            n, s = lines[i]
        if i + 1 >= len(lines):
            raise TleError(f"{source}:{n}: TLE line 1 is not followed by line 2")
        n2, s2 = lines[i + 1]
        _check_line(s, "1", f"{source}:{n}")
        _check_line(s2, "2", f"{source}:{n2}")
        if s[2:7] != s2[2:7]:
            raise TleError(f"{source}:{n2}: catalogue number {s2[2:7]!r} differs from line 1's "
                           f"{s[2:7]!r}")
        try:
            sat = Satrec.twoline2rv(s, s2)
        except ValueError as exc:
            raise TleError(f"{source}:{n}: sgp4 cannot read this element set: {exc}") from None
        names.append(name or s[2:7].strip())
        sats.append(sat)
        i += 2
    if not sats:
        raise TleError(f"{source}:1: no element sets found")
    return TleSet(source, tuple(names), tuple(sats))


def read_tle(path: str | Path, source: str | None = None) -> TleSet:
    """The TLE set in the file at `path`; `source` names it in error messages (default: path).
    Which file a scenario's `tle_file` means is decided by hyperdef.scenario.resolve_sensors."""
    return parse_tle(Path(path).read_text(encoding="utf-8"), str(path) if source is None
                     else source)


def tle_states_ecef(tles: TleSet, t_s: ArrayLike, *, epoch: Epoch,
                    rotating: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ECEF states of a TLE set at scenario times, through SGP4 and TEME → ECEF (GMST).

    t_s: (T,) seconds since `epoch`. rotating=False is for a non-rotating Earth, whose "ECEF" is
    the inertial frame aligned with ECEF at epoch: TEME is turned by GMST at epoch only, with
    no ω × r term.
    Returns (r_ecef_m, v_ecef_mps, error): (P, T, 3), (P, T, 3) float64 and (P, T) int sgp4
    error codes (0 = ok; Vallado et al. 2006 list 1–6, e.g. 6 = decayed). States are NaN where
    error ≠ 0, which every visibility kernel reads as "not visible".
    """
    t = np.asarray(t_s, np.float64)
    jd_whole, jd_frac = epoch.jd_utc
    frac = jd_frac + t / 86400.0
    shift = np.floor(frac)  # keep the fraction in [0, 1) for sgp4's split-date precision
    err, r_km, v_kmps = SatrecArray(list(tles.satrecs)).sgp4(jd_whole + shift, frac - shift)
    bad = err != 0
    r_km[bad] = np.nan
    v_kmps[bad] = np.nan
    theta = gmst_rad(t if rotating else np.zeros_like(t), epoch)[None, :]
    omega = OMEGA_EARTH_RADPS if rotating else 0.0
    r, v = eci_to_ecef_state(r_km * 1e3, v_kmps * 1e3, theta, omega)
    return np.asarray(r), np.asarray(v), err.astype(np.int64)
