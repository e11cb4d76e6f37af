"""Great circles and ellipsoidal geodesics against GeographicLib, NumPy haversine and closed forms."""

import hypothesis.strategies as st
import numpy as np
from geographiclib.geodesic import Geodesic
from hypothesis import given, settings

import hyperdef  # noqa: F401  (enables float64)
from hyperdef.constants import R_EARTH_MEAN_M as R
from hyperdef.earth.distance import destination, geodesic_m, great_circle_m, initial_bearing_rad
from hyperdef.earth.model import SPHERICAL, WGS84

HALF_PI = np.pi / 2
WGS84_GL = Geodesic(WGS84.a_m, WGS84.f)
SPHERE_GL = Geodesic(R, 0.0)


def _gl_inverse(geod, p1, l1, p2, l2, key="s12"):
    args = np.degrees(np.stack(np.broadcast_arrays(p1, l1, p2, l2), axis=-1).reshape(-1, 4))
    return np.array([geod.Inverse(*map(float, row))[key] for row in args])


def _hard_pairs():
    """Edge cases for Vincenty-type methods: poles, equator, meridians, antipodes, coincident."""
    rng = np.random.default_rng(21)
    n = 300
    p1 = np.arcsin(rng.uniform(-1, 1, n))
    l1 = rng.uniform(-np.pi, np.pi, n)
    lon_deg = np.linspace(0.0, 180.0, 61)
    cases = [
        # exact and near antipodes (Vincenty's iteration fails here)
        (p1, l1, -p1, l1 + np.pi),
        (p1, l1, -p1 + rng.normal(0, 1e-6, n), l1 + np.pi + rng.normal(0, 1e-6, n)),
        (p1, l1, -p1 + rng.normal(0, 1e-2, n), l1 + np.pi + rng.normal(0, 1e-2, n)),
        # on and near the equator, all longitude differences (incl. just past (1 − f)·180°)
        (0.0, 0.0, 0.0, np.radians(lon_deg)),
        (-1e-9, 0.0, 1e-9, np.radians(lon_deg)),
        (0.0, 0.0, 0.0, np.radians(np.linspace(179.3, 180.0, 15))),
        # from a pole and along meridians
        (HALF_PI, 0.3, p1, l1),
        (-HALF_PI, 0.0, p1, l1),
        (p1, l1, rng.uniform(-HALF_PI, HALF_PI, n), l1),
        (p1, l1, rng.uniform(-HALF_PI, HALF_PI, n), l1 + np.pi),
        # coincident, 1 mm apart, across lon ±π
        (p1, l1, p1, l1),
        (p1, l1, p1 + 1e-3 / R, l1),
        (p1, np.pi, -p1, -np.pi + rng.uniform(0, 1e-3, n)),
    ]
    cols = [
        np.concatenate(
            [np.broadcast_to(c[k], np.broadcast_shapes(*map(np.shape, c))).ravel() for c in cases]
        )
        for k in range(4)
    ]
    return cols


def test_geodesic_matches_geographiclib():
    rng = np.random.default_rng(20)
    n = 3000
    p1, l1 = np.arcsin(rng.uniform(-1, 1, n)), rng.uniform(-np.pi, np.pi, n)
    p2, l2 = np.arcsin(rng.uniform(-1, 1, n)), rng.uniform(-np.pi, np.pi, n)
    h1, h2, h3, h4 = _hard_pairs()
    p1, l1, p2, l2 = (np.concatenate(x) for x in ((p1, h1), (l1, h2), (p2, h3), (l2, h4)))
    s = np.asarray(geodesic_m(p1, l1, p2, l2))
    s_ref = _gl_inverse(WGS84_GL, p1, l1, p2, l2)
    err = np.abs(s - s_ref)
    i = int(np.argmax(err))
    # GeographicLib (Karney 2013) is exact to 15 nm; Vincenty's series truncation is ~0.1 mm.
    # 1 mm is GPS-survey grade, and every pair here, antipodes included, must meet it.
    assert np.all(np.isfinite(s))
    # measured worst case: 7.5e-5 m (hyperdef 0.1.0, float64).
    assert err[i] < 1e-3, (
        f"worst {err[i]:.3g} m at lat1,lon1,lat2,lon2 (deg) = {np.degrees([p1[i], l1[i], p2[i], l2[i]])}"
    )


def test_geodesic_of_nearby_points_matches_geographiclib_whatever_the_batch():
    """Trajectory-like pairs (≤ ~300 km apart) settle in Vincenty's substitution and skip the
    bisections; the same pairs batched with an exact antipode (which needs them) give the
    same distances to the bit, and both match GeographicLib."""
    rng = np.random.default_rng(23)
    n = 2000
    p1, l1 = np.arcsin(rng.uniform(-0.99, 0.99, n)), rng.uniform(-np.pi, np.pi, n)
    p2 = np.clip(p1 + rng.normal(0.0, 0.02, n), -HALF_PI, HALF_PI)
    l2 = l1 + rng.normal(0.0, 0.02, n)
    alone = np.asarray(geodesic_m(p1, l1, p2, l2))
    hard = np.asarray(geodesic_m(*(np.append(a, b) for a, b in zip(
        (p1, l1, p2, l2), (0.3, 0.1, -0.3, 0.1 + np.pi), strict=True))))
    np.testing.assert_array_equal(hard[:n], alone)
    ref = _gl_inverse(WGS84_GL, p1, l1, p2, l2)
    # Vincenty's series is good to ~0.1 mm; measured worst case here 5e-6 m (float64).
    assert np.max(np.abs(alone - ref)) < 1e-4
    assert abs(hard[n] - _gl_inverse(WGS84_GL, 0.3, 0.1, -0.3, 0.1 + np.pi)[0]) < 1e-3


def test_geodesic_on_sphere_is_great_circle():
    rng = np.random.default_rng(22)
    p1, l1, p2, l2 = (rng.uniform(-1.5, 1.5, 50) for _ in range(4))
    np.testing.assert_allclose(
        geodesic_m(p1, l1, p2, l2, SPHERICAL),
        great_circle_m(p1, l1, p2, l2, radius_m=SPHERICAL.a_m),
        rtol=1e-15,
    )


def test_great_circle_known_distances():
    # Closed forms on a sphere: quarter meridian πR/2, antipodes πR, a quarter of the equator.
    assert abs(float(great_circle_m(0.0, 0.3, HALF_PI, 0.3)) - np.pi * R / 2) < 1e-8
    assert abs(float(great_circle_m(0.4, 0.3, -0.4, 0.3 - np.pi)) - np.pi * R) < 1e-8
    assert abs(float(great_circle_m(0.0, 0.0, 0.0, HALF_PI)) - np.pi * R / 2) < 1e-8
    # Tiny: 1e-9 rad along a meridian is R·1e-9 = 6.4 mm; the arccos form would return 0 here.
    lat_b = 0.7 + 1e-9
    assert abs(float(great_circle_m(0.7, 0.1, lat_b, 0.1)) - R * (lat_b - 0.7)) < 1e-12
    # Nearly antipodal: 1e-9 rad short of the antipode is πR − 6.4 mm, resolved to ~1e-9 m.
    d = float(great_circle_m(0.0, 0.0, 0.0, np.pi - 1e-9))
    assert abs(d - (np.pi - 1e-9) * R) < 1e-8


def test_great_circle_matches_numpy_haversine():
    # Textbook haversine d = 2R·asin(√h) (Sinnott, Sky & Telescope 68(2):159, 1984). Its asin
    # is ill-conditioned near π, so compare below 0.9πR where it is good to ~1e-8 m.
    rng = np.random.default_rng(23)
    p1, l1 = np.arcsin(rng.uniform(-1, 1, 2000)), rng.uniform(-np.pi, np.pi, 2000)
    p2, l2 = np.arcsin(rng.uniform(-1, 1, 2000)), rng.uniform(-np.pi, np.pi, 2000)
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin((l2 - l1) / 2) ** 2
    d_ref = 2 * R * np.arcsin(np.sqrt(h))
    d = np.asarray(great_circle_m(p1, l1, p2, l2))
    keep = d_ref < 0.9 * np.pi * R
    # measured worst case: 1.1e-8 m (hyperdef 0.1.0, float64).
    assert np.abs(d - d_ref)[keep].max() < 1e-6


def test_destination_and_bearing_match_geographiclib_sphere():
    rng = np.random.default_rng(24)
    n = 500
    lat, lon = np.arcsin(rng.uniform(-1, 1, n)), rng.uniform(-np.pi, np.pi, n)
    lat[:10], lat[10:20] = HALF_PI, -HALF_PI
    az, dist = rng.uniform(0, 2 * np.pi, n), rng.uniform(0, np.pi * R, n)
    lat2, lon2 = map(np.asarray, destination(lat, lon, az, dist))
    ref = [
        SPHERE_GL.Direct(*np.degrees([a, b, c]), d)
        for a, b, c, d in zip(lat, lon, az, dist, strict=True)
    ]
    lat_ref = np.radians([r["lat2"] for r in ref])
    lon_ref = np.radians([r["lon2"] for r in ref])
    # Compare as a position on the sphere (longitude is meaningless at a pole): 1 mm.
    miss = np.asarray(great_circle_m(lat2, lon2, lat_ref, lon_ref))
    # measured worst case: 9.2e-9 m (hyperdef 0.1.0, float64).
    assert miss.max() < 1e-3, f"worst destination miss {miss.max():.3g} m"
    assert np.all((lon2 > -np.pi) & (lon2 <= np.pi))
    # Initial bearing towards random points, away from the start's poles and from coincident
    # or antipodal pairs (where it is undefined): 1e-9 rad (GeographicLib works in degrees to
    # ~1e-15 relative).
    p2, l2 = np.arcsin(rng.uniform(-1, 1, n)), rng.uniform(-np.pi, np.pi, n)
    ok = (np.abs(lat) < 1.5) & (
        np.abs(great_circle_m(lat, lon, p2, l2) - np.pi * R / 2) < 0.45 * np.pi * R
    )
    brg = np.asarray(initial_bearing_rad(lat, lon, p2, l2))
    brg_ref = np.radians(_gl_inverse(SPHERE_GL, lat, lon, p2, l2, key="azi1"))
    d_brg = np.abs(np.angle(np.exp(1j * (brg - brg_ref))))[ok]
    # measured worst case: 1.1e-15 rad (hyperdef 0.1.0, float64).
    assert d_brg.max() < 1e-9, f"worst bearing difference {d_brg.max():.3g} rad"
    assert np.all((brg >= 0) & (brg < 2 * np.pi))


@settings(max_examples=60, deadline=None)
@given(
    st.floats(-1.5, 1.5),
    st.floats(-np.pi, np.pi),
    st.floats(0.0, 2 * np.pi, exclude_max=True),
    st.floats(1.0, 0.999 * np.pi * R),
)
def test_destination_round_trip(lat, lon, az, dist):
    lat2, lon2 = destination(lat, lon, az, dist)
    # Going dist along az and measuring back gives dist (1 µm: rounding of δ = dist/R) and az.
    assert abs(float(great_circle_m(lat, lon, lat2, lon2)) - dist) < 1e-6
    brg = float(initial_bearing_rad(lat, lon, lat2, lon2))
    # The end point rounds at ~1e-9 m (ε·R); seen from the start that is an angle of
    # 1e-9 m / (R sin δ). Allow ten times that.
    tol = 1e-8 / (R * np.sin(dist / R)) + 1e-12
    assert abs(np.angle(np.exp(1j * (brg - az)))) < tol
