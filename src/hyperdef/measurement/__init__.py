"""Measurement models h(x) shared by the sensors (noiseless values) and the tracker (innovations).

- `los`: angle-only line of sight from a moving observer (space IR), as a unit vector in ECEF with a
  2-D tangent-plane innovation; no angles, hence no wrap at ±π and no singularity at the poles.
- `radar`: range, azimuth, elevation and range rate from a site in its geodetic ENU frame; the
  azimuth innovation is wrapped to (−π, π].
- `batch`: the detections table as JAX arrays (`MeasBatch`), one innovation function for every
  kind of row, padded to 4 components so that mixed rows batch under `jax.jit`.
- `detections_table`: the detections table's columns and dtypes, the contract the sensors write
  and the tracker reads.

Jacobians are never written by hand: filters differentiate these functions with JAX.
"""
