"""Which sensor sees which threat, when, and how well: truth trajectories → detections.

`observe` runs every sensor of a scenario over every Monte Carlo sample of a `Truth`
(hyperdef.threats.truth). Each kind (space IR, radar) supplies its kernel and its detection
rows; hyperdef.sensors.sweep runs them over samples and time chunks, one random stream per
(sample, sensor).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import jax
import jax.numpy as jnp
import numpy as np
import pandas as pd

from hyperdef.earth.model import EarthModel, earth_model
from hyperdef.radiometry import band_intensity_w_sr
from hyperdef.random import component_key
from hyperdef.sensors import detections as dets
from hyperdef.sensors.horizon import gaussian_radius_m
from hyperdef.sensors.params import (
    RadarSensor,
    SensorParams,
    SpaceIRSensor,
    frame_mask,
    frame_start_index,
)
from hyperdef.sensors.platforms import Platforms, platforms_of
from hyperdef.sensors.radar import false_alarms, measurement_sigmas, observe_radar_samples
from hyperdef.sensors.space_ir import observe_ir_samples, pointing
from hyperdef.sensors.sweep import Cut, Rows, observer_rows, sweep
from hyperdef.time import Epoch

if TYPE_CHECKING:
    import xarray as xr

    from hyperdef.threats.truth import Truth


@dataclasses.dataclass(frozen=True)
class Observation:
    """What the sensors saw.

    detections: the detections table (hyperdef.sensors.detections).
    platforms: sensor name → (P, T, 3) platform ECEF positions [m] on truth.t_s.
    visible: sensor name → (S, O, T) bool, some platform has geometric access (LOS clear, field
      of regard, range, elevation, in flight).
    detected: sensor name → (S, O, T) bool, some platform detected the object in the frame
      (or scan) that contains that grid time.
    visible_by_platform: sensor name → (S, O, P, T) bool, the same geometric access per
      platform (what an access report lists).
    """

    detections: pd.DataFrame
    platforms: dict[str, np.ndarray]
    visible: dict[str, np.ndarray]
    detected: dict[str, np.ndarray]
    sensor_names: tuple[str, ...] = ()
    visible_by_platform: dict[str, np.ndarray] = dataclasses.field(default_factory=dict)

    def to_xarray(self) -> xr.Dataset:
        """xarray.Dataset of the detections table, dim `detection` (its positional row).

        One variable per column (`sample` included), units in each `attrs`. The per-sensor
        masks `visible` and `detected` stay NumPy arrays on the Observation.
        """
        import xarray as xr

        df = self.detections.reset_index(drop=True)
        ds = xr.Dataset.from_dataframe(df.rename_axis("detection"))
        for name in ds.data_vars:
            ds[name].attrs["units"] = _column_unit(str(name))
        return ds

    # JSON-ready rows of mixed value types (names, counts, times or None).
    def summary(self, truth: Truth, sample_index: int = 0) -> list[dict[str, Any]]:
        """One dict per (sensor, threat) of sample `sample_index` (an index into truth.sample_ids):
        name, threat, first_detection_t_s / last_detection_t_s (None if never), detections (row
        count) and detected_fraction (share of the threat's in-flight grid times at which this
        sensor detected it)."""
        sid = int(np.asarray(truth.sample_ids)[sample_index])
        df = self.detections
        df = df[df["sample"] == sid]
        in_flight = np.asarray(truth.in_flight)[sample_index]
        out = []
        for name in self.sensor_names:
            mine = df[df["sensor"] == name]
            for o, threat in enumerate(truth.names):
                t = mine.loc[mine["truth_id"] == o, "t_s"].to_numpy()
                flying = in_flight[o]
                hit = self.detected[name][sample_index, o] & flying
                out.append({
                    "name": name,
                    "threat": str(threat),
                    "first_detection_t_s": float(t.min()) if t.size else None,
                    "last_detection_t_s": float(t.max()) if t.size else None,
                    "detections": int(t.size),
                    "detected_fraction": float(hit.sum() / flying.sum()) if flying.any() else 0.0,
                })
        return out


def _column_unit(column: str) -> str:
    """The unit a detections column's name carries in its suffix (`_m`, `_rad`, `_mps` …)."""
    for suffix, unit in (("_mps", "m/s"), ("_m", "m"), ("_rad", "rad"), ("_db", "dB"),
                         ("t_s", "s since scenario epoch")):
        if column.endswith(suffix):
            return unit
    return "1"


def target_intensity_w_sr(sensor: SpaceIRSensor, truth: Truth) -> np.ndarray:
    """(S, O, T) in-band intensity [W/sr] a space_ir sensor sees.

    Without a sensor band (`band_m` None): the threat model's own `ir_w_sr` (in
    truth.ir_band_m, plume included in boost). With it: the heated body's grey-body intensity
    ε·A·M_band(T)/π re-integrated over the sensor's band (hyperdef.radiometry); the boost plume
    is not re-modelled in that case.
    """
    if sensor.band_m is None:
        return np.asarray(truth.ir_w_sr, np.float64)
    lo, hi = sensor.band_m
    eps = np.asarray(truth.emissivity, np.float64)[..., None]
    area = np.asarray(truth.emitting_area_m2, np.float64)[..., None]
    return np.asarray(band_intensity_w_sr(np.asarray(truth.temp_k), eps, area, lo, hi))


def body_aspects(truth: Truth) -> tuple[np.ndarray, np.ndarray] | None:
    """(panels_w_sr (S, O, T, 4), angles_rad (S, O, 4)) of the objects flown with the infrared
    body model (zeros elsewhere), or None when there are none (hyperdef.threats.body_view.Aspect;
    a sensor adds the view-dependent part to the truth's view from above)."""
    aspects = getattr(truth, "ir_aspects", ()) or ()
    if not any(a is not None for a in aspects):
        return None
    s_, o_, t_ = np.asarray(truth.ir_w_sr).shape
    panels, angles = np.zeros((s_, o_, t_, 4)), np.zeros((s_, o_, 4))
    for o, a in enumerate(aspects):
        if a is not None:
            panels[:, o] = a.panels_w_sr
            angles[:, o] = np.stack([np.broadcast_to(np.asarray(x, np.float64), (s_,)) for x in (
                a.alpha_rad, a.leading_edge_sweep_rad, a.windward_incidence_rad,
                a.leeward_incidence_rad)], -1)
    return panels, angles


def _observe_ir(sensor: SpaceIRSensor, plat: Platforms, truth: Truth, seed: int, t: np.ndarray,
                earth: EarthModel) -> tuple[list[Rows], np.ndarray, np.ndarray, np.ndarray]:
    p = sensor.ir
    point = np.asarray(pointing(jnp.asarray(plat.r_ecef_m), jnp.asarray(plat.v_ecef_mps), p))
    intensity = target_intensity_w_sr(sensor, truth)
    frame = frame_mask(t, sensor.frame_period_s)
    r_t, fly = np.asarray(truth.r_ecef_m), np.asarray(truth.in_flight)
    # The body model's view from each platform; in the truth's own band only (a sensor band
    # re-integrates the stagnation temperature, see target_intensity_w_sr).
    aspects = body_aspects(truth) if sensor.band_m is None else None
    v_t = np.asarray(truth.v_ecef_mps)

    def kernel(s_i: np.ndarray, cut: Cut, keys: jax.Array) -> dict[str, jax.Array]:
        aspect = None if aspects is None else (
            cut(v_t[s_i], 0.0, 2), cut(aspects[0][s_i], 0.0, 2), aspects[1][s_i])
        return observe_ir_samples(
            cut(plat.r_ecef_m, np.nan), cut(point, 0.0), cut(r_t[s_i], np.nan, 2),
            cut(intensity[s_i], 0.0, 2), cut(fly[s_i], False, 2), cut(frame, False, 0), keys,
            p=p, earth=earth, aspect=aspect)

    def to_rows(out: dict[str, jax.Array], sid: np.ndarray, b: np.ndarray, o: np.ndarray,
                pl: np.ndarray, ti: np.ndarray, tg: np.ndarray) -> Rows:
        return dets.los_rows(sample=sid, t_s=t[tg], sensor=sensor.name, platform=pl,
                             u_meas=np.asarray(out["u_meas"])[b, o, pl, ti],
                             sigma_rad=p.sigma_rad, snr=np.asarray(out["snr"])[b, o, pl, ti],
                             truth_id=o,
                             **observer_rows(plat, pl, tg))

    return sweep(sensor, plat, truth, seed, t, kernel, to_rows)


def _observe_radar(sensor: RadarSensor, plat: Platforms, truth: Truth, seed: int, t: np.ndarray,
                   earth: EarthModel,
                   ) -> tuple[list[Rows], np.ndarray, np.ndarray, np.ndarray]:
    p = sensor.radar
    frame = frame_mask(t, sensor.frame_period_s)
    radius = np.asarray(gaussian_radius_m(plat.lat_rad, earth))
    r_t, v_t = np.asarray(truth.r_ecef_m), np.asarray(truth.v_ecef_mps)
    alt_t, fly = np.asarray(truth.alt_m), np.asarray(truth.in_flight)

    def kernel(s_i: np.ndarray, cut: Cut, keys: jax.Array) -> dict[str, jax.Array]:
        return observe_radar_samples(
            cut(plat.r_ecef_m, np.nan), cut(plat.v_ecef_mps, 0.0), cut(plat.lat_rad, 0.0),
            cut(plat.lon_rad, 0.0), cut(plat.alt_m, 0.0), cut(radius, 1.0),
            cut(r_t[s_i], np.nan, 2), cut(v_t[s_i], 0.0, 2), cut(alt_t[s_i], 0.0, 2),
            cut(fly[s_i], False, 2), cut(frame, False, 0), keys, p=p)

    def to_rows(out: dict[str, jax.Array], sid: np.ndarray, b: np.ndarray, o: np.ndarray,
                pl: np.ndarray, ti: np.ndarray, tg: np.ndarray) -> Rows:
        return dets.radar_rows(sample=sid, t_s=t[tg], sensor=sensor.name,
                               z_meas=np.asarray(out["z_meas"])[b, o, pl, ti],
                               sigma=np.asarray(out["sigma"])[b, o, pl, ti],
                               snr=np.asarray(out["snr"])[b, o, pl, ti], truth_id=o,
                               **observer_rows(plat, pl, tg))

    def false_alarm_rows(key: jax.Array, sid: int) -> list[Rows]:
        scans = np.nonzero(frame)[0]
        if sensor.false_alarms_per_scan <= 0 or not scans.size:
            return []
        scan, z, snr = false_alarms(sensor.false_alarms_per_scan, scans.size, p,
                                    component_key(key, "false_alarms"))
        tg = scans[scan]
        return [dets.radar_rows(sample=sid, t_s=t[tg], sensor=sensor.name, z_meas=z,
                                sigma=np.asarray(measurement_sigmas(snr, p)), snr=snr,
                                truth_id=-1, **observer_rows(plat, 0, tg))]

    return sweep(sensor, plat, truth, seed, t, kernel, to_rows, false_alarm_rows)


def observe(sensors: Sequence[SensorParams], truth: Truth, *,
            epoch: Epoch | str | _dt.datetime, earth: EarthModel | str,
            seed: int) -> Observation:
    """Run every resolved sensor over every sample of `truth`.

    sensors: SpaceIRSensor / RadarSensor records (hyperdef.sensors.params; a scenario's specs
    resolve through hyperdef.scenario.resolve_sensors); truth: hyperdef.threats.truth.Truth
    (names, t_s (T,), sample_ids (S,), r_ecef_m / v_ecef_mps (S, O, T, 3), alt_m, temp_k,
    ir_w_sr, in_flight (S, O, T), emissivity, emitting_area_m2 (S, O)); epoch: Epoch (or ISO
    text / datetime); earth: EarthModel or its name; seed: the scenario seed.
    """
    if isinstance(earth, str):
        earth = earth_model(earth)
    if not isinstance(epoch, Epoch):
        epoch = Epoch.parse(epoch) if isinstance(epoch, str) else Epoch(epoch)
    t = np.asarray(truth.t_s, np.float64)
    rows, platforms, visible, detected, by_platform = [], {}, {}, {}, {}
    for sensor in sensors:
        if not isinstance(sensor, RadarSensor | SpaceIRSensor):
            raise TypeError(f"{type(sensor).__name__} is not a resolved sensor record; resolve "
                            "scenario specs with hyperdef.scenario.resolve_sensors")
        plat = platforms_of(sensor, t, epoch=epoch, earth=earth)
        if isinstance(sensor, RadarSensor):
            r, vis, det, vis_p = _observe_radar(sensor, plat, truth, seed, t, earth)
        else:
            r, vis, det, vis_p = _observe_ir(sensor, plat, truth, seed, t, earth)
        hold = frame_start_index(t, sensor.frame_period_s)
        rows += r
        platforms[sensor.name] = plat.r_ecef_m
        visible[sensor.name] = vis
        by_platform[sensor.name] = vis_p
        detected[sensor.name] = det[..., hold]
    return Observation(dets.table(rows), platforms, visible, detected,
                       tuple(s.name for s in sensors), by_platform)
