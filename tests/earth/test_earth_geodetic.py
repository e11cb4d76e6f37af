"""Geodetic ↔ ECEF against pymap3d, WGS84 check values, and round-trip properties."""

import hypothesis.strategies as st
import numpy as np
import pymap3d
from hypothesis import given, settings

import hyperdef  # noqa: F401  (enables float64)
from hyperdef.earth.geodetic import ecef_to_geodetic, geodetic_to_ecef
from hyperdef.earth.model import SPHERICAL, WGS84

ELL = pymap3d.Ellipsoid.from_name("wgs84")
HALF_PI = np.pi / 2


def _random_geodetic(n, seed=0):
    """n points uniform on the sphere of directions, altitudes −10 km … 40 000 km (half of them
    in the atmosphere), with the awkward cases written in: exact poles, the equator, lon ±π."""
    rng = np.random.default_rng(seed)
    lat = np.arcsin(rng.uniform(-1.0, 1.0, n))
    lon = rng.uniform(-np.pi, np.pi, n)
    alt = np.where(
        rng.uniform(size=n) < 0.5,
        rng.uniform(-10e3, 100e3, n),
        10.0 ** rng.uniform(5.0, np.log10(40_000e3), n),
    )
    k = n // 20
    lat[:k], lat[k : 2 * k], lat[2 * k : 3 * k] = HALF_PI, -HALF_PI, 0.0
    lon[3 * k : 4 * k], lon[4 * k : 5 * k] = np.pi, -np.pi
    alt[5 * k : 6 * k], alt[6 * k : 7 * k], alt[7 * k : 8 * k] = -10e3, 0.0, 40_000e3
    return lat, lon, alt


def _wrap(a):
    return np.abs(np.angle(np.exp(1j * a)))


def test_wgs84_check_values():
    # NIMA TR8350.2 (3rd ed.) Eq. 4-14 at the defining points: the equator/prime meridian is
    # (a, 0, 0), the poles are (0, 0, ±b), with a = 6 378 137 m and the derived semi-minor axis
    # b = 6 356 752.3142 m (TR8350.2 derived geometric constants, given to 0.1 mm).
    b_table = 6_356_752.3142
    r = np.asarray(
        geodetic_to_ecef(np.array([0.0, HALF_PI, -HALF_PI, 0.0]), [0, 0, 0, HALF_PI], 0.0)
    )
    expect = np.array([[6_378_137.0, 0, 0], [0, 0, b_table], [0, 0, -b_table], [0, 6_378_137.0, 0]])
    # Table rounding 0.05 mm; cos(π/2) = 6e-17 leaves x ≈ 4e-10 m at the poles.
    # measured worst case: 4.5e-5 m (hyperdef 0.1.0, float64).
    assert np.abs(r - expect).max() < 1e-4
    lat, lon, alt = map(np.asarray, ecef_to_geodetic(expect))
    np.testing.assert_allclose(lat, [0.0, HALF_PI, -HALF_PI, 0.0], atol=1e-15)
    np.testing.assert_allclose(lon[[0, 3]], [0.0, HALF_PI], atol=1e-15)
    assert np.abs(alt).max() < 1e-4
    # 1000 km above 45°N, 0°E: N = a/√(1 − e²/2); x = (N + h)/√2, z = (N(1 − e²) + h)/√2.
    e2 = WGS84.e2
    n45 = WGS84.a_m / np.sqrt(1 - e2 / 2)
    r45 = np.asarray(geodetic_to_ecef(np.pi / 4, 0.0, 1e6))
    np.testing.assert_allclose(
        r45, [(n45 + 1e6) / np.sqrt(2), 0.0, (n45 * (1 - e2) + 1e6) / np.sqrt(2)], atol=1e-8
    )


def test_forward_and_inverse_match_pymap3d_on_10k_points():
    lat, lon, alt = _random_geodetic(12_000)
    x, y, z = pymap3d.geodetic2ecef(lat, lon, alt, ELL, deg=False)
    r_ref = np.stack([x, y, z], axis=-1)
    r = np.asarray(geodetic_to_ecef(lat, lon, alt))
    err_fwd = np.linalg.norm(r - r_ref, axis=-1)
    i = int(np.argmax(err_fwd))
    # Same closed form (TR8350.2 Eq. 4-14) on both sides: only rounding differs (~1e-8 m at
    # GEO); 1 mm is GPS-survey grade.
    assert err_fwd[i] < 1e-3, (
        f"worst forward {err_fwd[i]:.3g} m at lat,lon,alt={lat[i], lon[i], alt[i]}"
    )

    lat2, lon2, alt2 = map(np.asarray, ecef_to_geodetic(r_ref))
    # pymap3d's inverse (You 2000: one correction step, not iterated) is itself only good to
    # 1.5e-11 rad / 0.1 mm below 300 km; its latitude error grows to 1e-10 rad (0.7 mm) at
    # 500 km and 2e-6 rad (≈ 90 m) at GEO. So compare with it below 300 km (the atmosphere and
    # every glide or low trajectory), and above with the exact geodetic input whose ECEF
    # pymap3d produced (its forward transform agrees with ours to < 1 µm, above).
    low = alt <= 300e3
    plat, plon, palt = pymap3d.ecef2geodetic(x[low], y[low], z[low], ELL, deg=False)
    ref_lat, ref_lon, ref_alt = lat.copy(), lon.copy(), alt.copy()
    ref_lat[low], ref_lon[low], ref_alt[low] = plat, plon, palt
    d_lat = np.abs(lat2 - ref_lat)
    d_lon = _wrap(lon2 - ref_lon)
    d_alt = np.abs(alt2 - ref_alt)
    # Position error of the inverse: both answers mapped back through pymap3d's forward.
    back = np.stack(pymap3d.geodetic2ecef(lat2, lon2, alt2, ELL, deg=False), axis=-1)
    ref_back = np.stack(pymap3d.geodetic2ecef(ref_lat, ref_lon, ref_alt, ELL, deg=False), axis=-1)
    d_pos = np.linalg.norm(back - ref_back, axis=-1)
    worst = (
        f"worst |Δlat|={d_lat.max():.3g} rad, |Δlon|={d_lon.max():.3g} rad, "
        f"|Δalt|={d_alt.max():.3g} m, |Δr|={d_pos.max():.3g} m "
        f"(at lat,lon,alt={lat[np.argmax(d_pos)], lon[np.argmax(d_pos)], alt[np.argmax(d_pos)]})"
    )
    # 1e-9 rad is 6 mm on the ground at most, 1 mm is GPS-survey grade: both far above the
    # rounding of either closed form (~1e-15 rad, ~1e-8 m).
    # measured worst case: lat 1.4e-11 rad, lon 2.2e-16 rad; alt 1.5e-8 m, position 9.7e-5 m
    # (forward 1.1e-8 m) (hyperdef 0.1.0, float64).
    assert d_lat.max() < 1e-9 and d_lon.max() < 1e-9, worst
    assert d_alt.max() < 1e-3 and d_pos.max() < 1e-3, worst


def test_inverse_is_exact_against_its_input_everywhere():
    # Vermeille's closed form is exact: against the generating coordinates it must hold to
    # rounding, 1e-12 rad (6 µm) and 1e-6 m, from −10 km to beyond GEO (100 000 km).
    lat, lon, alt = _random_geodetic(4000, seed=3)
    alt = np.where(alt > 39_000e3, 1e8, alt)
    lat2, lon2, alt2 = map(np.asarray, ecef_to_geodetic(geodetic_to_ecef(lat, lon, alt)))
    assert np.abs(lat2 - lat).max() < 1e-12
    off_axis = np.abs(lat) < HALF_PI  # longitude is undefined on the polar axis
    assert _wrap(lon2 - lon)[off_axis].max() < 1e-12
    assert np.abs(alt2 - alt).max() < 1e-6


def test_deep_interior_and_axis_are_finite_and_consistent():
    # Inside the evolute (within ~43 km of the centre) the nearest surface point is not unique,
    # but any answer must map back to the input (forward form is exact) and be finite.
    pts = np.array(
        [
            [0.0, 0.0, 0.0],
            [30e3, 0.0, 0.0],
            [30e3, 0.0, 1e-3],
            [1e3, 2e3, -3e3],
            [0.0, 0.0, -7e6],
            [0.0, 0.0, 1e8],
            [42.8e3, 0.0, 10.0],
        ]
    )
    lat, lon, alt = map(np.asarray, ecef_to_geodetic(pts))
    assert np.all(np.isfinite(lat)) and np.all(np.isfinite(lon)) and np.all(np.isfinite(alt))
    back = np.asarray(geodetic_to_ecef(lat, lon, alt))
    assert np.abs(back - pts).max() < 1e-6
    # The centre is b below the surface (nearest points: the poles).
    assert abs(alt[0] + WGS84.b_m) < 1e-6


def test_sphere_model_is_spherical():
    r = np.array([[1e7, 2e6, -3e6], [0.0, 0.0, 7e6], [0.0, 0.0, 0.0]])
    lat, lon, alt = map(np.asarray, ecef_to_geodetic(r, SPHERICAL))
    norm = np.linalg.norm(r, axis=-1)
    np.testing.assert_allclose(alt, norm - SPHERICAL.a_m, atol=1e-8)
    np.testing.assert_allclose(lat[:2], np.arcsin(r[:2, 2] / norm[:2]), atol=1e-15)


lat_st = st.floats(-HALF_PI, HALF_PI)
lon_st = st.floats(-np.pi, np.pi)
alt_st = st.floats(-10e3, 50_000e3)


@settings(max_examples=60, deadline=None)
@given(lat_st, lon_st, alt_st)
def test_geodetic_ecef_round_trip(lat, lon, alt):
    lat2, lon2, alt2 = map(float, ecef_to_geodetic(geodetic_to_ecef(lat, lon, alt)))
    # Rounding only: 1e-12 rad is 6 µm on the ground; 1e-6 m in height.
    assert abs(lat2 - lat) < 1e-12
    if abs(lat) < HALF_PI - 1e-9:
        assert _wrap(lon2 - lon) < 1e-12 / np.cos(lat)
    assert abs(alt2 - alt) < 1e-6


@settings(max_examples=60, deadline=None)
@given(st.tuples(*[st.floats(-5e7, 5e7)] * 3))
def test_ecef_geodetic_round_trip(xyz):
    r = np.array(xyz)
    back = np.asarray(geodetic_to_ecef(*ecef_to_geodetic(r)))
    # |r| up to 9e7 m: float64 rounding is ~1e-8 m; 1e-6 m leaves margin.
    assert np.abs(back - r).max() < 1e-6
