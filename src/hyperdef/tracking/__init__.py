"""Tracking: detections in, tracks out, never truth (threats/sensors/scenario are off limits).

Pipeline per scan: initiate (`initiate`) → predict (`filters`, with a `motion` model) → gate and
associate → update → fuse → manage. The filter engine (`motion`, `filters`, `initiate`) works on
one track at a time with pure, jit-able functions; the tracker batches them with `jax.vmap`.
"""
