"""Assessment: what the sensors and the tracker achieved against the truth, and what it buys.

The only layer that reads truth and tracks together (the tracker itself never sees truth).

* `track_scoring` — which firm tracks follow which threat; per-threat custody, first firm track,
  RMSE and NEES (`score_tracks`, the figures of `hyperdef run --json`).
* `accuracy` — metrics with their published definitions: RMSE vs time, NEES/NIS with χ² bounds,
  OSPA and GOSPA per time step, track purity, the posterior Cramér–Rao bound.
* `custody`, `warning`, `footprint`, `engagement`, `summary` — custody timelines, warning time,
  impact footprints, engagement windows and the per-threat report built from them.
"""
