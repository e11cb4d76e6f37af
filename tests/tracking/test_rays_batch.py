"""Ray grouping for triangulation: every sample at once gives `group_rays`' groups, sample by sample.

The batched tracker groups the free lines of sight of all samples of a scan in one call
(`rays.group_rays_batch`); the per-sample tracker, the oracle of the batched one, calls
`group_rays` once per sample. The scenes below are what a scan of a space-IR layer offers: a few
objects, each seen by several of the platforms (so pairs conflict and groups grow past two rays),
plus rays that see nothing in common, with times spread over the triangulation tolerance.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hyperdef.tracking.association.rays import closest_approach, group_rays, group_rays_batch

KW = {"gate_probability": 0.999, "min_parallax_rad": np.deg2rad(2.0), "tolerance_s": 1.0}
SIGMA_RAD = 50e-6  # a space-IR pixel's 1σ


def _sample_rays(rng: np.random.Generator, n_objects: int, n_platforms: int, n_clutter: int):
    """Rays of one sample: observers on a 7 000 km shell, objects 40–80 km above a 6 371 km
    sphere, half of them with a twin 50–300 m away (inside one ray's gate, so a platform can
    offer a group two rays), each object seen by a random subset of the platforms, and clutter
    rays."""
    obs = rng.normal(size=(n_platforms, 3))
    obs *= 7.0e6 / np.linalg.norm(obs, axis=1, keepdims=True)
    centre = obs.mean(axis=0) / np.linalg.norm(obs.mean(axis=0))
    objects = []
    for _ in range(n_objects):
        tgt = centre + rng.normal(scale=0.05, size=3)
        objects.append(tgt * (6.371e6 + rng.uniform(4e4, 8e4)) / np.linalg.norm(tgt))
        if rng.random() < 0.5:
            step = rng.normal(size=3)
            objects.append(objects[-1] + step * rng.uniform(50.0, 300.0) / np.linalg.norm(step))
    rays = []
    for tgt in objects:
        for k in np.flatnonzero(rng.random(n_platforms) < 0.7):
            u = tgt - obs[k] + rng.normal(scale=SIGMA_RAD * 3e6, size=3)
            rays.append((obs[k], u / np.linalg.norm(u), k))
    for _ in range(n_clutter):
        k = int(rng.integers(n_platforms))
        u = centre * 6.4e6 + rng.normal(scale=3e5, size=3) - obs[k]
        rays.append((obs[k], u / np.linalg.norm(u), k))
    order = rng.permutation(len(rays))
    r = np.asarray([rays[i][0] for i in order]).reshape(-1, 3)
    u = np.asarray([rays[i][1] for i in order]).reshape(-1, 3)
    platform = np.asarray([rays[i][2] for i in order], dtype=np.int64)
    t = rng.uniform(0.0, 1.5, size=len(order))
    return r, u, np.full(len(order), SIGMA_RAD), t, platform


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_samples=st.integers(1, 6),
       n_objects=st.integers(0, 4), n_platforms=st.integers(1, 6),
       n_clutter=st.integers(0, 3))
def test_batched_groups_are_each_samples_groups(seed, n_samples, n_objects, n_platforms,
                                                n_clutter):
    rng = np.random.default_rng(seed)
    scenes = [_sample_rays(rng, n_objects, n_platforms, n_clutter) for _ in range(n_samples)]
    sample = np.repeat(np.arange(n_samples), [len(s[1]) for s in scenes])
    flat = [np.concatenate([s[k] for s in scenes]) for k in range(5)]
    members, counts = group_rays_batch(*flat, sample, **KW)

    expected = []
    for s, scene in enumerate(scenes):
        offset = np.flatnonzero(sample == s)[:1]
        expected += [offset[0] + g for g in group_rays(*scene, **KW)] if len(offset) else []
    got = np.split(members, np.cumsum(counts)[:-1]) if len(counts) else []
    assert [g.tolist() for g in got] == [g.tolist() for g in expected]


def test_the_scenes_exercise_conflicts_and_growth():
    """The property above means something only if its scenes hold groups of three or more rays,
    samples with several groups, and groups that a platform offers two rays (of twins) to; this
    fixed scene has all three."""
    rng = np.random.default_rng(7)
    scenes = [_sample_rays(rng, 4, 6, 3) for _ in range(3)]
    groups = [group_rays(*scene, **KW) for scene in scenes]
    assert max(len(g) for gs in groups for g in gs) >= 3
    assert max(len(gs) for gs in groups) >= 2
    offered = 0
    for (r, u, sigma, _t, platform), gs in zip(scenes, groups, strict=True):
        for g in gs:
            s1, _, miss = closest_approach(r[g[0]], u[g[0]], r[g[1]], u[g[1]])
            mid = r[g[0]] + s1 * u[g[0]] + 0.5 * miss
            w = mid - r
            rng_m = np.einsum("nc,nc->n", w, u)
            close = (np.einsum("nc,nc->n", w, w) - rng_m**2) / (rng_m * sigma) ** 2 < 13.8  # chi2.ppf(0.999, 2)
            offered += np.any(np.bincount(platform[close]) >= 2)
    assert offered >= 1


def test_unsorted_samples_are_refused():
    rng = np.random.default_rng(3)
    r, u, sigma, t, platform = _sample_rays(rng, 2, 3, 0)
    sample = np.arange(len(u))[::-1]
    with pytest.raises(ValueError, match="sorted by sample"):
        group_rays_batch(r, u, sigma, t, platform, sample, **KW)
