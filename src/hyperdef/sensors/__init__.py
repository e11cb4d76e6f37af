"""Sensors: platforms (orbits, TLEs, sites, ships) → visibility → detections, and coverage.

Entry points: `hyperdef.sensors.observe.observe` (truth → detections table) and
`hyperdef.sensors.coverage.coverage` (N-fold coverage of a grid). Importing this package is cheap;
the modules are imported where used.
"""
