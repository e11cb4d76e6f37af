"""Planning: sweep expansion (factorial, Latin hypercube), paths, chunks, streams, limits."""

from __future__ import annotations

import itertools
import math

import campaign_standin
import jax
import numpy as np
import pytest
from campaign_helpers import write_campaign
from hypothesis import given, settings
from hypothesis import strategies as st

from hyperdef.campaign.paths import get_path, set_path
from hyperdef.campaign.plan import PlanTooLarge, make_plan, satellite_count
from hyperdef.campaign.points import expand_points, n_points
from hyperdef.campaign.schema import CampaignError, Sweep
from hyperdef.random import stream


def test_factorial_is_the_cartesian_product_in_order():
    sweep = Sweep.model_validate({"parameters": [
        {"name": "a", "path": "x.a", "values": [1, 2, 3]},
        {"name": "b", "options": [{"label": "lo", "set": {"x.b": 0, "x.c": 1}},
                                  {"label": "hi", "set": {"x.b": 5}}]},
        {"name": "c", "path": "x.d", "range": [10, 1000], "levels": 3, "log": True}]})
    points = expand_points(sweep, seed=0)
    assert n_points(sweep) == len(points) == 3 * 2 * 3
    # Oracle: itertools.product order (last parameter fastest).
    expected = list(itertools.product([1, 2, 3], ["lo", "hi"], [10.0, 100.0, 1000.0]))
    got = [(p.params["a"], p.params["b"], p.params["c"]) for p in points]
    assert [g[:2] for g in got] == [e[:2] for e in expected]
    # geomspace(10, 1000, 3) = 10, 100, 1000 exactly up to rounding: 1e-9 relative.
    assert all(math.isclose(g[2], e[2], rel_tol=1e-9) for g, e in zip(got, expected, strict=True))
    assert [p.id for p in points] == list(range(18))
    assert points[0].overrides == {"x.a": 1, "x.b": 0, "x.c": 1, "x.d": points[0].params["c"]}


@settings(max_examples=25, deadline=None)
@given(n=st.integers(2, 40), seed=st.integers(0, 2**31 - 1))
def test_latin_hypercube_hits_every_stratum_once(n, seed):
    """McKay et al. (1979): each axis split in n equal strata has exactly one point in each."""
    sweep = Sweep.model_validate({"design": "lhs", "points": n, "parameters": [
        {"name": "alt", "path": "a", "range": [800.0, 1200.0]},
        {"name": "k", "path": "b", "values": list(range(n))}]})
    points = expand_points(sweep, seed=seed)
    u = np.array([(p.params["alt"] - 800.0) / 400.0 for p in points])
    assert sorted(np.floor(u * n).astype(int).tolist()) == list(range(n))
    assert sorted(p.params["k"] for p in points) == list(range(n))
    again = expand_points(sweep, seed=seed)
    assert [p.params for p in again] == [p.params for p in points]  # fixed seed, same points


def test_integer_range_in_a_hypercube_stays_in_bounds():
    sweep = Sweep.model_validate({"design": "lhs", "points": 50, "parameters": [
        {"name": "planes", "path": "p", "range": [2, 7], "integer": True}]})
    values = [p.params["planes"] for p in expand_points(sweep, seed=3)]
    assert set(values) == set(range(2, 8))  # 50 draws over 6 integers reach all of them
    assert all(isinstance(v, int) for v in values)


def test_paths_address_list_items_by_name_and_index():
    data = {"sensors": [{"name": "a", "walker": {"total": 8}}, {"name": "b"}]}
    set_path(data, "sensors.a.walker.total", 28)
    set_path(data, "sensors.1.alt_m", 5.0)
    set_path(data, "tracker.confirm", 3)  # missing mapping keys are created
    assert get_path(data, "sensors.a.walker.total") == 28
    assert data["sensors"][1]["alt_m"] == 5.0 and data["tracker"] == {"confirm": 3}
    with pytest.raises(KeyError, match="no item named 'c'.*items: a, b"):
        set_path(data, "sensors.c.walker", 1)
    set_path(data, "sensors.b", None)  # null removes a list item
    assert [s["name"] for s in data["sensors"]] == ["a"]
    with pytest.raises(KeyError, match="malformed"):
        set_path(data, "sensors..a", 1)


def test_chunks_cover_every_sample_once_in_aligned_batches(tmp_path):
    plan = make_plan(write_campaign(tmp_path / "c.yaml", samples=30, batch_size=4,
                                    chunk_size=12))
    for point in plan.points:
        mine = [c for c in plan.chunks if c.point == point.id]
        ids = np.concatenate([np.arange(c.start, c.stop) for c in mine])
        assert ids.tolist() == list(range(30))
        for c in mine:
            for batch in plan.batches(c):
                assert batch.size == 4 and batch[0] % 4 == 0  # fixed shape, aligned
                assert batch[0] < c.stop
    last = [c for c in plan.chunks if c.point == 0][-1]
    assert (last.start, last.stop) == (24, 30)
    assert [b.tolist() for b in plan.batches(last)] == [[24, 25, 26, 27], [28, 29, 30, 31]]


def test_fewer_samples_than_a_batch_make_one_unpadded_batch(tmp_path):
    plan = make_plan(write_campaign(tmp_path / "c.yaml"), samples=3)  # batch_size 4 in the file
    assert (plan.spec.batch_size, plan.chunk_size, len(plan.chunks)) == (3, 3, 2)
    assert [b.tolist() for b in plan.batches(plan.chunks[0])] == [[0, 1, 2]]


def test_chunk_size_must_be_a_multiple_of_batch_size(tmp_path):
    with pytest.raises(CampaignError, match="multiple of batch_size"):
        make_plan(write_campaign(tmp_path / "c.yaml", batch_size=4, chunk_size=10))


def test_the_standin_uses_the_projects_key_tree():
    """The stand-in's vmapped keys are hyperdef.random.stream (same seed/sample/component)."""
    ids = [0, 1, 7, 123456]
    fast = campaign_standin._keys(5, ids, "threat/x/alt")
    for i, sid in enumerate(ids):
        ref = stream(5, sid, "threat/x/alt")
        assert np.array_equal(jax.random.key_data(fast[i]), jax.random.key_data(ref))


def test_a_large_sweep_needs_yes(tmp_path):
    path = write_campaign(tmp_path / "c.yaml", samples=1000, max_runs=1500)
    with pytest.raises(PlanTooLarge, match=r"2 point\(s\) × 1000 samples = 2000 runs.*--yes"):
        make_plan(path)
    assert make_plan(path, yes=True).runs == 2000
    assert make_plan(path, samples=700).runs == 1400  # --samples brings it under the limit


def test_bad_point_and_bad_path_are_named(tmp_path):
    sweep = {"parameters": [{"name": "mast_m", "path": "sensors.radar.site.alt_m",
                             "values": [20, "high"]}]}
    with pytest.raises(CampaignError, match=r"point 1 \(mast_m=high\).*alt_m"):
        make_plan(write_campaign(tmp_path / "a.yaml", sweep=sweep))
    sweep = {"parameters": [{"name": "m", "path": "sensors.sonar.site.alt_m", "values": [1]}]}
    with pytest.raises(CampaignError, match="no item named 'sonar'.*items: radar"):
        make_plan(write_campaign(tmp_path / "b.yaml", sweep=sweep))
    with pytest.raises(CampaignError, match="unknown key"):
        make_plan(write_campaign(tmp_path / "c.yaml", samplez=3))


def test_plan_identity_follows_what_fixes_the_numbers(tmp_path):
    a = make_plan(write_campaign(tmp_path / "a.yaml"))
    b = make_plan(write_campaign(tmp_path / "b.yaml"))
    assert a.plan_sha256 == b.plan_sha256 and a.scenario_sha256 == b.scenario_sha256
    assert make_plan(tmp_path / "a.yaml", samples=25).plan_sha256 != a.plan_sha256
    assert all(s.seed == 11 for s in a.scenarios)  # the campaign seed replaces the scenario's


def test_satellite_count_of_walker_and_explicit_orbits(tmp_path):
    scenario = {
        "epoch": "2030-01-01T00:00:00Z", "duration_s": 60.0,
        "sensors": [
            {"name": "w", "kind": "space_ir", "nei_w_m2": 1e-10,
             "walker": {"total": 28, "planes": 4, "alt_km": 1000, "inc_deg": 87}},
            {"name": "g", "kind": "space_ir", "nei_w_m2": 1e-10, "geo": {"lons_deg": [0, 90]}},
        ]}
    plan = make_plan(write_campaign(tmp_path / "c.yaml", scenario=scenario, sweep={
        "parameters": [{"name": "layer", "options": [
            {"label": "8", "set": {"sensors.w.walker.total": 8, "sensors.w.walker.planes": 2}},
            {"label": "54", "set": {"sensors.w.walker.total": 54,
                                    "sensors.w.walker.planes": 6}}]}]}))
    assert [p.satellites for p in plan.points] == [8 + 2, 54 + 2]
    assert satellite_count(plan.scenarios[0]) == 10
