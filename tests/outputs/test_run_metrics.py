"""Set metrics over time and NIS with χ² bounds (hyperdef.io.run_metrics)."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pymap3d
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from hyperdef.assessment.accuracy import gospa, ospa
from hyperdef.io.run_metrics import (
    SET_CUTOFF_M,
    nis_summary,
    nis_table,
    sample_scalars,
    set_metrics,
)


def test_set_metrics_follow_the_published_formulas():
    """One firm track 3 km off threat A, threat B untracked, at p = 2, c = 10 km:
    OSPA = √((3² + c²)/2) (Schuhmacher et al. 2008, Eq. 3: n = 2, one cardinality penalty c^p);
    GOSPA(α=2) = √(3² + c²/2) (Rahmathullah et al. 2017, Prop. 1: one missed target, c^p/2)."""
    c_km = SET_CUTOFF_M / 1e3
    r = np.array([[[7e6, 0, 0]], [[0, 7e6, 0]]], float)[None]  # (S=1, O=2, T=1, 3)
    x = np.zeros((1, 2, 1, 6))
    x[0, 0, 0, :3] = r[0, 0, 0] + [3e3, 0, 0]
    x[0, 1, 0, :3] = r[0, 1, 0]  # tentative only: must not count
    state = np.array([[[2], [1]]], np.int8)
    tracks = SimpleNamespace(x=x, state=state)
    truth = SimpleNamespace(t_s=np.array([5.0]), r_ecef_m=r, sample_ids=np.array([4]))
    row = set_metrics(tracks, truth).iloc[0]
    assert row["sample"] == 4 and row["n_tracks"] == 1 and row["n_threats"] == 2
    assert abs(row["ospa_m"] / 1e3 - np.sqrt((3**2 + c_km**2) / 2)) < 1e-9
    assert abs(row["gospa_m"] / 1e3 - np.sqrt(3**2 + c_km**2 / 2)) < 1e-9
    assert row["gospa_missed"] == 1 and row["gospa_false"] == 0


def _radar_rows(r_tgt, v_tgt, site, rng, sig):
    """Radar detections of targets from one site, noise drawn with σ = sig (r, az, el, rr)."""
    az, el, rg = pymap3d.ecef2aer(*r_tgt.T, *site, deg=False)
    obs = np.array(pymap3d.geodetic2ecef(*site, deg=False))
    u = (r_tgt - obs) / rg[:, None]
    rr = np.einsum("ni,ni->n", u, v_tgt)
    z = np.stack([rg, az, el, rr], -1) + rng.normal(size=(len(rg), 4)) * sig
    n = len(rg)
    nan = np.full(n, np.nan)
    return pd.DataFrame({
        "sample": 0, "t_s": 10.0, "sensor": "radar", "platform": 0, "kind": "radar",
        "obs_x_m": obs[0], "obs_y_m": obs[1], "obs_z_m": obs[2], "obs_vx_mps": 0.0,
        "obs_vy_mps": 0.0, "obs_vz_mps": 0.0, "obs_lat_rad": site[0], "obs_lon_rad": site[1],
        "los_x": nan, "los_y": nan, "los_z": nan, "sigma_ang_rad": nan,
        "range_m": z[:, 0], "az_rad": z[:, 1], "el_rad": z[:, 2], "range_rate_mps": z[:, 3],
        "sigma_range_m": sig[0], "sigma_az_rad": sig[1], "sigma_el_rad": sig[2],
        "sigma_rr_mps": sig[3], "snr_db": 20.0, "truth_id": 0})


@given(st.integers(0, 2**32 - 1))
@settings(max_examples=25, deadline=None)
def test_set_metrics_equal_the_per_time_assignment(seed):
    # set_metrics takes a vectorised path where a set has ≤ 1 point and solves the assignment
    # elsewhere; both must give exactly what ospa/gospa give time by time (scipy's
    # linear_sum_assignment), whatever the mix of 0–4 tracks, 0–3 threats and gaps.
    rng = np.random.default_rng(seed)
    S, K, T, O = rng.integers(1, 4), rng.integers(0, 5), rng.integers(1, 12), rng.integers(0, 4)
    x = rng.normal(scale=8e3, size=(S, K, T, 6))  # spread ~ the 10 km cut-off
    x[rng.random((S, K, T)) < 0.2] = np.nan
    state = rng.integers(0, 4, size=(S, K, T))
    r = rng.normal(scale=8e3, size=(S, O, T, 3))
    r[rng.random((S, O, T)) < 0.2] = np.nan
    got = set_metrics(SimpleNamespace(x=x, state=state),
                      SimpleNamespace(t_s=np.arange(T) * 1.0, r_ecef_m=r,
                                      sample_ids=np.arange(S)))
    for row in got.itertuples():
        s, k = row.sample, int(row.t_s)
        est = x[s, (state[s, :, k] == 2) & np.isfinite(x[s, :, k]).all(-1), k, :3]
        tru = r[s, np.isfinite(r[s, :, k]).all(-1), k]
        g = gospa(est, tru, c=SET_CUTOFF_M, p=2.0, alpha=2.0)
        assert row.ospa_m == ospa(est, tru, c=SET_CUTOFF_M, p=2.0)
        assert (row.gospa_m, row.gospa_missed, row.gospa_false) == (g.distance, g.n_missed,
                                                                     g.n_false)
        assert (row.n_tracks, row.n_threats) == (len(est), len(tru))


def test_nis_of_a_consistent_filter_is_chi2():
    """Estimates drawn from their own covariance and radar detections drawn from their own noise
    give NIS ~ χ²(4): the mean of 1500 values lies inside χ²(6000)/1500's 99.9 % interval
    (scipy.stats, an oracle independent of hyperdef's chi2_bounds), and about 95 % of values lie
    inside the single-value 95 % bounds (binomial 4σ: ±2.3 %)."""
    rng = np.random.default_rng(11)
    n, site = 1500, (np.radians(10.0), np.radians(140.0), 0.0)
    tgt = np.array(pymap3d.geodetic2ecef(np.full(n, 12.0), np.full(n, 141.0), np.full(n, 40e3)))
    r_t = tgt.T + rng.normal(size=(n, 3)) * 5e3
    v_t = np.tile([1500.0, 2000.0, -500.0], (n, 1))
    dt = 5.0
    sd = np.array([300.0, 300.0, 300.0, 20.0, 20.0, 20.0])
    x_prev_true = np.concatenate([r_t - dt * v_t, v_t], -1)
    x_prev = x_prev_true + rng.normal(size=(n, 6)) * sd
    P = np.broadcast_to(np.diag(sd**2), (n, 6, 6))  # noqa: N806
    det = _radar_rows(r_t, v_t, site, rng, np.array([50.0, 1e-3, 1e-3, 5.0]))
    tracks = SimpleNamespace(
        t_s=np.array([5.0, 10.0]), sample_ids=np.array([0]), track_ids=np.arange(n),
        x=np.stack([x_prev, x_prev], axis=1)[None], P=np.stack([P, P], axis=1)[None],
        state=np.full((1, n, 2), 2, np.int8),
        assignments=pd.DataFrame({"sample": 0, "detection": np.arange(n),
                                  "track_id": np.arange(n)}))
    table = nis_table(tracks, det, q_m2ps3=1e-9)
    assert len(table) == n and set(table["dof"]) == {4}
    lo, hi = stats.chi2.ppf([0.0005, 0.9995], 4 * n) / n
    assert lo < table["nis"].mean() < hi
    s = nis_summary(table)
    assert abs(s["nis_inside95_fraction"] - 0.95) < 0.023
    assert s["nis_mean_lo95"] < 4.0 < s["nis_mean_hi95"]


def test_a_track_born_on_the_scan_has_no_nis():
    tracks = SimpleNamespace(
        t_s=np.array([0.0, 5.0]), sample_ids=np.array([0]), track_ids=np.array([9]),
        x=np.full((1, 1, 2, 6), np.nan), P=np.full((1, 1, 2, 6, 6), np.nan),
        state=np.array([[[0, 1]]], np.int8),
        assignments=pd.DataFrame({"sample": [0], "detection": [0], "track_id": [9]}))
    det = pd.DataFrame({"t_s": [5.0], "sensor": ["r"], "kind": ["radar"]})
    assert nis_table(tracks, det).empty


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_sample_scalars_are_each_samples_own_figures(data):
    """Each sample's figures are those of its own rows alone, bit for bit: the oracle is
    `nis_summary` and pandas' means on the rows of that sample, in any table order."""
    ids = data.draw(st.lists(st.integers(0, 40), min_size=1, max_size=6, unique=True))
    n_sets = data.draw(st.integers(len(ids), 40))
    sample = np.array(ids + data.draw(st.lists(st.sampled_from(ids), min_size=n_sets - len(ids),
                                                max_size=n_sets - len(ids))))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    sets = pd.DataFrame({"sample": rng.permutation(sample), "ospa_m": rng.uniform(0, 1e4, n_sets),
                         "gospa_m": rng.uniform(0, 1e4, n_sets)})
    n_nis = data.draw(st.integers(0, 60))
    dof = rng.choice([2, 3, 4], n_nis)
    nis = pd.DataFrame({"sample": rng.choice(ids, n_nis), "dof": dof,
                        "nis": rng.chisquare(dof), "nis_lo95": stats.chi2.ppf(0.025, dof),
                        "nis_hi95": stats.chi2.ppf(0.975, dof)})
    got = sample_scalars(sets, nis, ids)
    assert list(got) == ids
    for sid in ids:
        mine = sets[sets["sample"] == sid]
        want = {"ospa_mean_m": mine["ospa_m"].mean(), "gospa_mean_m": mine["gospa_m"].mean(),
                **nis_summary(nis[nis["sample"] == sid])}
        assert got[sid] == want
