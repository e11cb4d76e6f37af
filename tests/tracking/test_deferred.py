"""The store of tentative tracks' grid rows (`tracking.deferred`): what is taken is exactly what
was held for those tracks, components with their own rows, and the rest stays."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from hyperdef.tracking.deferred import Deferred, Held

WIDTH = 3


def _block(rng: np.random.Generator, tracks: np.ndarray, base: float) -> Held:
    """Grid rows of `tracks`, 1–3 components each; a component's state names its row."""
    n = len(tracks)
    per = rng.integers(1, 4, n)
    pair = np.repeat(np.arange(n), per)
    k = rng.integers(0, 100, n)
    # component c of row i: state (base + i, c, k_i) so a mismatched pair shows
    states = np.stack([base + pair, np.arange(len(pair)), k[pair]], axis=1).astype(float)
    return Held(tracks, k, pair, states, states[:, 0] * 0.5, -states[:, 1])


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), blocks=st.integers(1, 5))
def test_take_returns_each_track_with_its_own_components(seed, blocks):
    rng = np.random.default_rng(seed)
    store, held = Deferred(WIDTH), []
    for b in range(blocks):
        h = _block(rng, rng.choice(20, rng.integers(0, 8), replace=False), 1000.0 * b)
        store.hold(h)
        held.append(h)
    want = rng.choice(20, rng.integers(0, 20), replace=False)
    out = store.take(want)
    # oracle: the held blocks' rows of the wanted tracks, in hold order, each with its components
    expect = [(h.track[i], h.k[i], h.states[h.pair == i]) for h in held
              for i in range(len(h.track)) if h.track[i] in want]
    assert len(out.track) == len(expect)
    for i, (track, k, states) in enumerate(expect):
        assert out.track[i] == track and out.k[i] == k
        np.testing.assert_array_equal(out.states[out.pair == i], states)
        np.testing.assert_array_equal(out.dt_s[out.pair == i], states[:, 0] * 0.5)
    # what stays is every other row, still whole; taking it all leaves nothing held
    rest = store.take(np.arange(20))
    assert not np.isin(rest.track, want).any()
    assert len(rest.track) + len(out.track) == sum(len(h.track) for h in held)
    assert len(rest.states) + len(out.states) == sum(len(h.states) for h in held)
    assert len(store.take(np.arange(20)).track) == 0
    assert store.free.all()  # every slab place is free again
