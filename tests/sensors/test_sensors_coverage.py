"""Coverage against closed forms: one satellite's spherical cap, and the street-of-coverage
condition for polar star constellations (derived below); gap and revisit bookkeeping."""

import numpy as np
from pydantic import TypeAdapter

from hyperdef.earth.model import SPHERICAL
from hyperdef.report.coverage_figure import coverage_figure
from hyperdef.scenario.resolve_sensors import resolve_sensor
from hyperdef.scenario.sensors import SensorSpec
from hyperdef.sensors.coverage import _Runs, coverage

EPOCH = "2030-01-01T00:00:00Z"
R = SPHERICAL.a_m


def _ir(half_angle_deg=None, **constellation):
    spec = {"name": "c", "kind": "space_ir", "nei_w_m2": 1e-12, **constellation}
    if half_angle_deg is not None:
        spec["field_of_regard"] = {"kind": "cone", "half_angle_deg": half_angle_deg}
    return _resolved(spec)


def _resolved(item: dict):
    """The resolved record of one `sensors:` item (no staring aim points here: any Earth)."""
    return resolve_sensor(TypeAdapter(SensorSpec).validate_python(item), earth=SPHERICAL,
                          step_s=300.0)


def _half_angle_for(lam, h):
    """Nadir half-angle η whose footprint edge on the surface is at central angle λ (sphere):
    tan η = sin λ / ((R+h)/R − cos λ) (the triangle centre–satellite–edge point; Wertz &
    Larson, SMAD 1999, §5.2)."""
    return np.degrees(np.arctan2(np.sin(lam), (R + h) / R - np.cos(lam)))


def test_single_satellite_covers_a_spherical_cap():
    h = 1000e3
    for half in (None, 40.0):
        spec = _ir(half, satellites=[{"alt_km": h / 1e3 - (6378.137 - R / 1e3), "inc_deg": 50}])
        res = coverage([spec], epoch=EPOCH, earth=SPHERICAL, duration_s=600.0, step_s=300.0,
                       alt_m=0.0, grid_deg=0.5)
        if half is None:
            lam = np.arccos(R / (R + h))  # horizon: cos λ0 = R/(R+H) (Wertz & Larson 1999, §5.2)
        else:
            eta = np.radians(half)
            lam = np.arcsin((R + h) / R * np.sin(eta)) - eta  # law of sines, near intersection
            assert abs(_half_angle_for(lam, h) - half) < 1e-9
        cap = (1 - np.cos(lam)) / 2  # area fraction of a cap of angular radius λ
        # Cell-centre sampling of a cap boundary on a 0.5° grid: errors of boundary cells
        # cancel to O(Δ²); 0.5 % relative is ≈ the area of a ring 0.05° wide.
        # measured worst case: 2.4e-3 relative (hyperdef 0.1.0, float64).
        assert abs(res["fraction_ge1"] / cap - 1) < 0.005, (half, res["fraction_ge1"], cap)
        assert res["fraction_ge2"] == 0.0


def test_polar_star_street_of_coverage():
    # Derivation (Adams & Rider, J. Astronaut. Sci. 35(2), 1987, for the general case): S
    # satellites per polar plane, each covering a cap of central angle λ, cover a street of
    # half-width c with cos λ = cos c · cos(π/S) (spherical Pythagoras in the right triangle
    # sub-satellite point – street edge – cap intersection). P polar planes spread over 180°
    # are π/P apart at the equator, counter-rotating at the seam, so whatever the phasing the
    # globe is covered at every instant iff 2c ≥ π/P, i.e. cos λ ≤ cos(π/S) cos(π/(2P)).
    planes, per_plane, h = 4, 7, 2000e3  # horizon at 40.4° > λ_req: the cone sets λ
    lam_req = np.arccos(np.cos(np.pi / per_plane) * np.cos(np.pi / (2 * planes)))
    walker = {"total": planes * per_plane, "planes": planes, "phasing": 1,
              "alt_km": h / 1e3 - (6378.137 - R / 1e3), "inc_deg": 90.0, "pattern": "star"}
    fractions = {}
    for margin_deg in (+1.0, -3.0):
        half = _half_angle_for(lam_req + np.radians(margin_deg), h)
        res = coverage([_ir(half, walker=walker)], epoch=EPOCH, earth=SPHERICAL,
                       duration_s=6300.0, step_s=300.0, alt_m=0.0, grid_deg=1.5)
        fractions[margin_deg] = res
    # measured worst case: +1°: coverage 1.0, no gap; −3°: 0.9996, 300 s gaps (hyperdef 0.1.0,
    # float64).
    assert fractions[+1.0]["fraction_ge1"] == 1.0 and fractions[+1.0]["max_gap_s"] == 0.0
    assert fractions[-3.0]["fraction_ge1"] < 1.0 and fractions[-3.0]["max_gap_s"] > 0.0
    assert np.degrees(lam_req) > 33.0  # 33.65° for 4 × 7


def test_bands_regions_radars_and_figure(tmp_path):
    spec = _ir(60.0, walker={"total": 8, "planes": 2, "phasing": 1, "alt_km": 1000,
                             "inc_deg": 80})
    radar = _resolved(
        {"name": "r", "kind": "radar", "site": {"lat_deg": 0, "lon_deg": 0}, "max_range_km": 1e3,
         "ref_range_km": 500, "noise": {"range_m": 1, "az_mrad": 1, "el_mrad": 1,
                                        "range_rate_mps": 1}})
    res = coverage([spec, radar], epoch=EPOCH, earth="wgs84", duration_s=3000.0, step_s=300.0,
                   alt_m=40e3, grid_deg=5.0)
    assert res["ignored"] == ["r"] and res["sensors"] == ["c"]
    bands = res["by_lat_band"]
    assert len(bands) == 18 and bands[0]["lat_lo_deg"] == -90.0
    # Band fractions weighted by band area add up to the global fraction.
    area = np.array([np.sin(np.radians(b["lat_hi_deg"])) - np.sin(np.radians(b["lat_lo_deg"]))
                     for b in bands])
    glob = np.sum(area * [b["fraction_ge1"] for b in bands]) / np.sum(area)
    assert abs(glob - res["fraction_ge1"]) < 1e-12
    regional = coverage([spec], epoch=EPOCH, earth="wgs84", duration_s=3000.0, step_s=300.0,
                        alt_m=40e3, grid_deg=5.0,
                        region={"lat_min_deg": 20, "lat_max_deg": 40, "lon_min_deg": 170,
                                "lon_max_deg": 200})
    assert len(regional["by_lat_band"]) == 2
    # The map's per-cell longest gap peaks at the run's longest gap; its N-fold fractions nest.
    m = res.map
    assert m["max_gap_s"].max() == res["max_gap_s"]
    assert (m["fraction_ge1"] >= m["fraction_ge2"]).all()
    assert (m["fraction_ge2"] >= m["fraction_ge3"]).all()
    png = coverage_figure(res, tmp_path / "cov.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    import matplotlib.image as mpimg

    img = mpimg.imread(png)
    assert img.shape[0] > 1.2 * img.shape[1]  # three map panels stacked: ≥1, ≥2, longest gap


def test_gap_and_revisit_bookkeeping():
    # One point seen at samples 0, 4, 5 and 9 of 10 (step 10 s): gaps of 3 and 3 samples inside
    # the run (30 s each), revisits 40 s (0 → 4) and 50 s (4 → 9... access starts at 0, 4, 9).
    seen = np.array([1, 0, 0, 0, 1, 1, 0, 0, 0, 1], bool)
    runs = _Runs(np.ones(1))
    for i, s in enumerate(seen):
        runs.step(np.array([s]), 10.0 * i, 10.0)
    runs.finish(10.0)
    assert runs.max_gap_s == 30.0 and runs.gap_sum / runs.gap_w == 30.0
    assert runs.point_max_gap_s.tolist() == [30.0]
    assert runs.rev_sum / runs.rev_w == 45.0
    # Never seen: one gap of exactly the duration (9 steps = 90 s).
    runs = _Runs(np.ones(1))
    for i in range(10):
        runs.step(np.array([False]), 10.0 * i, 10.0)
    runs.finish(10.0)
    assert runs.max_gap_s == 90.0
