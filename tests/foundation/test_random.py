"""Key tree: same seed → same bits; streams independent of sample chunking and of other names."""

import jax
import numpy as np
import pytest

from hyperdef.random import component_key, root_key, sample_key, stream


def _draw(key):
    return np.asarray(jax.random.normal(key, (4,)))


def test_same_seed_same_bits():
    assert np.array_equal(_draw(stream(7, 3, "sensor/a")), _draw(stream(7, 3, "sensor/a")))


def test_streams_differ_by_sample_and_component():
    base = _draw(stream(7, 3, "sensor/a"))
    assert not np.array_equal(base, _draw(stream(7, 4, "sensor/a")))
    assert not np.array_equal(base, _draw(stream(7, 3, "sensor/b")))
    assert not np.array_equal(base, _draw(stream(8, 3, "sensor/a")))


def test_component_key_is_stable_across_processes():
    # CRC-32 of the name, not Python's salted hash(): a fixed value pins it.
    import zlib

    k = component_key(sample_key(root_key(0), 0), "threat/x")
    expect = jax.random.fold_in(jax.random.fold_in(jax.random.key(0), 0),
                                zlib.crc32(b"threat/x") & 0x7FFFFFFF)
    assert np.array_equal(jax.random.key_data(k), jax.random.key_data(expect))


def test_negative_seed_is_refused():
    with pytest.raises(ValueError, match="seed"):
        root_key(-1)
