"""Object ephemerides of a run folder, the common input of every export format.

Objects are named as in scene.czml: `threat/NAME` (truth.zarr), `track/ID` (tracks.zarr, the
estimate while the track is tentative or firm, with its covariance) and `sat/SENSOR/INDEX` (the
space sensors' platforms, recomputed from scenario.resolved.yaml on the truth time grid: the
platform model is deterministic, so the run folder does not need to store them). A bare threat
name is accepted for `threat/NAME`.

Every state is ECEF (WGS84 Earth-fixed): position [m], velocity relative to the Earth [m/s], and
for tracks the 6×6 covariance [m², m²/s, m²/s²] of (x, y, z, vx, vy, vz). An object's time axis
is split into segments where its state is finite (a threat before launch or after impact has
none).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

KINDS = ("threat", "track", "sat")


class ExportError(ValueError):
    """Bad export input; the message names the option or object and the fix."""


@dataclasses.dataclass(frozen=True)
class Ephemeris:
    """One object's states: t_s (n,) [s since epoch], r_ecef_m (n, 3), v_ecef_mps (n, 3),
    P (n, 6, 6) or None (truth and satellites have no covariance)."""

    object_id: str
    kind: str
    t_s: np.ndarray
    r_ecef_m: np.ndarray
    v_ecef_mps: np.ndarray
    P: np.ndarray | None = None  # noqa: N815 — the standard symbol

    def segments(self) -> list[slice]:
        """Slices of consecutive grid times with a finite state (in time order)."""
        from hyperdef.io.access import runs

        ok = np.all(np.isfinite(self.r_ecef_m), -1) & np.all(np.isfinite(self.v_ecef_mps), -1)
        if self.P is not None:
            ok &= np.all(np.isfinite(self.P.reshape(len(self.P), -1)), -1)
        _, first, last = runs(ok[None])
        return [slice(int(a), int(b) + 1) for a, b in zip(first, last, strict=True)]


@dataclasses.dataclass(frozen=True)
class RunEphemerides:
    """The epoch (ISO UTC text), the sample exported, and every object of the run folder."""

    epoch_utc: str
    sample: int
    objects: dict[str, Ephemeris]


def _open_zarr(path: Path):
    import xarray as xr

    return xr.open_zarr(path, decode_times=False, decode_timedelta=False)


def _sample_index(ds, sample: int, name: str) -> int:
    ids = [int(s) for s in ds["sample"].values]
    if sample not in ids:
        raise ExportError(f"--sample {sample}: {name} has samples {ids}; choose one of them")
    return ids.index(sample)


def _threats(run_dir: Path, sample: int) -> dict[str, Ephemeris]:
    path = run_dir / "truth.zarr"
    if not path.exists():
        return {}
    ds = _open_zarr(path)
    s = _sample_index(ds, sample, "truth.zarr")
    t = np.asarray(ds["time"].values, np.float64)
    r = np.asarray(ds["r_ecef_m"].isel(sample=s).values, np.float64)
    v = np.asarray(ds["v_ecef_mps"].isel(sample=s).values, np.float64)
    return {f"threat/{n}": Ephemeris(f"threat/{n}", "threat", t, r[o], v[o])
            for o, n in enumerate(str(x) for x in ds["object"].values)}


def _tracks(run_dir: Path, sample: int) -> dict[str, Ephemeris]:
    path = run_dir / "tracks.zarr"
    if not path.exists():
        return {}
    ds = _open_zarr(path)
    s = _sample_index(ds, sample, "tracks.zarr")
    t = np.asarray(ds["time"].values, np.float64)
    x = np.asarray(ds["x"].isel(sample=s).values, np.float64)
    P = np.asarray(ds["P"].isel(sample=s).values, np.float64)  # noqa: N806
    live = np.isin(np.asarray(ds["state"].isel(sample=s).values), (1, 2))  # tentative, firm
    out = {}
    for k, tid in enumerate(int(i) for i in ds["track"].values):
        if not live[k].any():
            continue
        xk = np.where(live[k][:, None], x[k], np.nan)
        oid = f"track/{tid}"
        out[oid] = Ephemeris(oid, "track", t, xk[:, :3], xk[:, 3:6], P[k, :, :6, :6])
    return out


def _satellites(run_dir: Path, t_s: np.ndarray | None) -> dict[str, Ephemeris]:
    from hyperdef.earth.model import earth_model
    from hyperdef.scenario.load import load_scenario
    from hyperdef.scenario.resolve_sensors import space_platforms_of
    from hyperdef.scenario.sensors import SpaceIRSpec
    from hyperdef.sensors.platforms import space_platforms
    from hyperdef.time import Epoch

    path = run_dir / "scenario.resolved.yaml"
    if not path.exists() or t_s is None:
        return {}
    scenario, base = load_scenario(path)
    epoch, earth = Epoch(scenario.epoch), earth_model(scenario.earth)
    out = {}
    for spec in scenario.sensors:
        if not isinstance(spec, SpaceIRSpec):
            continue
        plat = space_platforms(space_platforms_of(spec, base), t_s, epoch=epoch, earth=earth)
        for p in range(plat.count):
            oid = f"sat/{spec.name}/{p}"
            out[oid] = Ephemeris(oid, "sat", t_s, np.asarray(plat.r_ecef_m[p]),
                                 np.asarray(plat.v_ecef_mps[p]))
    return out


def _epoch(run_dir: Path) -> str:
    import yaml

    path = run_dir / "scenario.resolved.yaml"
    if not path.exists():
        raise ExportError(f"{path}: missing; the epoch of the run is unknown. Export from a "
                          "complete run folder (rerun the scenario with --out)")
    from hyperdef.time import Epoch

    return Epoch.parse(str(yaml.safe_load(path.read_text())["epoch"]).replace(" ", "T")
                       ).isoformat()


def resolve_ids(wanted, available) -> list[str]:
    """Full object ids for the user's --objects entries (a bare threat name means threat/NAME);
    raises ExportError naming the unknown entry and listing the choices."""
    out = []
    for w in wanted:
        oid = w if w in available else f"threat/{w}"
        if oid not in available:
            raise ExportError(f"--objects: no object {w!r} in this run; choose from "
                              f"{', '.join(available)}")
        out.append(oid)
    return list(dict.fromkeys(out))


def load_ephemerides(run_dir, *, objects=None, sample: int = 0) -> RunEphemerides:
    """The ephemerides of `objects` (all when None) of one Monte Carlo sample of a run folder."""
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise ExportError(f"RUN {run_dir}: no such folder; give the --out folder of a run")
    epoch = _epoch(run_dir)
    found = {**_threats(run_dir, sample), **_tracks(run_dir, sample)}
    t_grid = next((e.t_s for e in found.values()), None)
    want_sats = objects is None or any(str(w).startswith("sat/") for w in objects)
    if want_sats:
        try:
            found.update(_satellites(run_dir, t_grid))
        except (ValueError, OSError) as exc:
            if objects is not None:  # asked for by name: say why there are none
                raise ExportError(f"satellites: cannot rebuild the platforms from "
                                  f"scenario.resolved.yaml ({exc})") from None
    if not found:
        raise ExportError(f"RUN {run_dir}: no truth.zarr or tracks.zarr; nothing to export")
    ids = list(found) if objects is None else resolve_ids(objects, list(found))
    return RunEphemerides(epoch, sample, {i: found[i] for i in ids})
