"""Sensors: platforms (orbits, TLEs, sites, ships) → visibility → detections, and coverage.

Entry points: `hyperdef.sensors.observe.observe` (truth → detections table) and
`hyperdef.sensors.coverage.coverage` (N-fold coverage of a grid). Both take resolved records
(hyperdef.sensors.params; a scenario's specs resolve through hyperdef.scenario.resolve_sensors),
never the scenario's pydantic specs. Importing this package is cheap; the modules are imported
where used.
"""
