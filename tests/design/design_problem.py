"""A small design problem shared by the design tests: 8 satellites, 6 corridor points, 40 times,
one straight-line target flying under the layer (cheap to compile and evaluate)."""

from __future__ import annotations

import numpy as np

from hyperdef.design.layer import LayerShape, SensorFixed, design_from_file_units
from hyperdef.design.problem import Problem
from hyperdef.design.study import FreeVariable, Study
from hyperdef.earth.geodetic import geodetic_to_ecef
from hyperdef.earth.model import earth_model
from hyperdef.time import Epoch

EARTH = earth_model("wgs84")
BASE = {"alt_km": 1000.0, "inc_deg": 30.0, "raan_spread_deg": 360.0, "phasing": 1.0,
        "half_angle_deg": 60.0, "nei_w_m2": 7.5e-11, "frame_period_s": 10.0}


def problem(count: int = 8) -> Problem:
    lat = np.radians(np.linspace(12.0, 20.0, 6))
    lon = np.radians(np.linspace(140.0, 170.0, 6))
    corridor = np.asarray(geodetic_to_ecef(lat, lon, 40e3, EARTH))
    t = np.arange(0.0, 800.0, 10.0)
    f = np.linspace(0.0, 1.0, t.size)
    track = np.asarray(geodetic_to_ecef(np.radians(12 + 8 * f), np.radians(140 + 30 * f),
                                        40e3, EARTH))
    fly = (t >= 100.0) & (t <= 700.0)
    return Problem(
        shape=LayerShape(count, 4), fixed=SensorFixed(5.0, (1.0, 3.0, 2.0)),
        epoch=Epoch.parse("2030-01-01T00:00:00Z"), earth=EARTH,
        min_parallax_rad=float(np.radians(3.0)), corridor_ecef_m=corridor,
        corridor_ir_w_sr=1e4, window_t_s=np.arange(0.0, 2400.0, 60.0), threat_t_s=t,
        threat_r_ecef_m=track[None], threat_ir_w_sr=np.where(fly, 1e4, 0.0)[None],
        threat_in_flight=fly[None])


def base_design():
    return design_from_file_units(BASE)


def study(objective="stereo_coverage", free=None, **kw) -> Study:
    free = free or (FreeVariable("alt_km", 400.0, 2000.0), FreeVariable("inc_deg", 10.0, 60.0))
    return Study(problem=problem(), base=dict(BASE), free=tuple(free), objective=objective,
                 counts=(8,), planes=4, **kw)
