"""Plan a campaign: read the file, expand the sweep into points, cut the samples into chunks.

Identity and randomness. A run is (point, sample). Sample ids are 0 … samples−1 at every point and
sample 0 is the nominal case (hyperdef.scenario.base.draw). The campaign seed replaces the
scenario's seed, so sample `s` draws its dispersions from
`component_key(sample_key(root_key(seed), s), name)` at every point: the same threats meet every
architecture (common random numbers), and architecture differences are not sampling noise.

Determinism. The kernels always see batches of exactly `batch_size` sample ids aligned to
multiples of `batch_size` (the last one padded with ids ≥ samples, whose rows are dropped), and a
chunk is a whole number of batches. A sample is therefore computed by the same compiled program in
the same batch position whatever the chunk size, worker count or resume history.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import ValidationError

from hyperdef.campaign.paths import set_path
from hyperdef.campaign.points import Point, expand_points, n_points
from hyperdef.campaign.schema import CampaignError, CampaignSpec
from hyperdef.campaign.source import read_campaign, read_scenario
from hyperdef.scenario.errors import ScenarioError, problems_of
from hyperdef.scenario.load import validate
from hyperdef.scenario.schema import Scenario


class PlanTooLarge(CampaignError):
    """The sweep expands beyond `max_runs`; the caller must confirm (`--yes`)."""


@dataclasses.dataclass(frozen=True)
class Chunk:
    """Samples start … stop−1 of one architecture point: one task, one stored part."""

    point: int
    start: int
    stop: int

    @property
    def name(self) -> str:
        return f"part-p{self.point:05d}-s{self.start:08d}-{self.stop:08d}"

    @property
    def samples(self) -> int:
        return self.stop - self.start


@dataclasses.dataclass(frozen=True)
class Plan:
    """A validated, expanded campaign: what to run and the hashes that identify it."""

    spec: CampaignSpec
    source: str
    campaign_text: str
    campaign_sha256: str
    scenario_sha256: str
    base_dir: Path | None
    samples: int
    chunk_size: int
    points: tuple[Point, ...]
    scenarios: tuple[Scenario, ...]  # one validated variant per point

    @property
    def chunks(self) -> list[Chunk]:
        """Every chunk, chunk-major (chunk 0 of every point first), so a partial campaign
        covers every architecture evenly."""
        starts = range(0, self.samples, self.chunk_size)
        return [Chunk(p.id, s, min(s + self.chunk_size, self.samples))
                for s in starts for p in self.points]

    @property
    def runs(self) -> int:
        return len(self.points) * self.samples

    @property
    def plan_sha256(self) -> str:
        """Everything that fixes the stored numbers: file, scenario, sizes and point overrides."""
        doc = {"campaign": self.campaign_sha256, "scenario": self.scenario_sha256,
               "samples": self.samples, "batch_size": self.spec.batch_size,
               "chunk_size": self.chunk_size,
               "points": [[p.id, p.label, p.overrides] for p in self.points]}
        return _sha256(json.dumps(doc, sort_keys=True, default=str))

    def batches(self, chunk: Chunk) -> list[np.ndarray]:
        """(batch_size,) int64 sample ids per kernel call of a chunk, aligned and padded."""
        b = self.spec.batch_size
        return [np.arange(s, s + b, dtype=np.int64) for s in range(chunk.start, chunk.stop, b)]


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def satellite_count(scenario: Scenario, base_dir: Path | None = None) -> int:
    """Satellites in the scenario's space sensors: the campaign's cost proxy."""
    total = 0
    for sensor in scenario.sensors:
        if sensor.kind != "space_ir":
            continue
        if sensor.walker is not None:
            total += sensor.walker.total
        elif sensor.satellites is not None:
            total += len(sensor.satellites)
        elif sensor.geo is not None:
            total += len(sensor.geo.lons_deg)
        elif sensor.tle_file is not None:
            path = Path(sensor.tle_file)
            path = path if path.is_absolute() or base_dir is None else base_dir / path
            lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
            total += sum(1 for line in lines if line.startswith("1 "))
    return total


def _variant(base: dict, overrides: dict[str, Any], what: str) -> dict:
    data = copy.deepcopy(base)
    for path, value in overrides.items():
        try:
            set_path(data, path, copy.deepcopy(value))
        except KeyError as exc:
            raise CampaignError(what, [str(exc.args[0])]) from None
    return data


def make_plan(source: str | Path, *, samples: int | None = None,
              chunk_size: int | None = None, yes: bool = False) -> Plan:
    """Read, validate and expand a campaign (a path or a built-in name such as `example`).

    samples / chunk_size override the file's values. Raises CampaignError (naming the field,
    point or path) for anything wrong, PlanTooLarge when points × samples exceeds the file's
    `max_runs` and `yes` is False.
    """
    spec, text, base_dir, where = read_campaign(source)
    data = spec.model_dump()
    data.update({k: v for k, v in (("samples", samples), ("chunk_size", chunk_size))
                 if v is not None})
    if data["samples"] < data["batch_size"]:
        # Fewer samples than one batch (a quick look): one batch of exactly that many, rather
        # than computing padding. Sample results may then differ in the last bits from a run
        # with full batches; a store never mixes the two (resume checks batch_size).
        data["batch_size"] = data["chunk_size"] = data["samples"]
    try:
        spec = CampaignSpec.model_validate(data)
    except ValidationError as exc:
        raise CampaignError(where, problems_of(exc, CampaignSpec)) from None
    count = n_points(spec.sweep)
    runs = count * spec.samples
    if runs > spec.max_runs and not yes:
        raise PlanTooLarge(where, [
            f"the sweep expands to {count} point(s) × {spec.samples} samples = {runs} runs, "
            f"more than max_runs = {spec.max_runs}; confirm with --yes (or raise max_runs in "
            "the campaign file, or lower --samples)"])
    base_data, scenario_dir = read_scenario(spec.scenario, base_dir, where)
    base_data = _variant(base_data, spec.set, f"{where}: set")
    base_data["seed"] = spec.seed
    try:
        base_scenario = validate(base_data, f"{where}: scenario (after `set`)")
    except ScenarioError as exc:
        raise CampaignError(where, exc.problems) from None
    scenario_sha = _sha256(json.dumps(base_scenario.model_dump(mode="json"), sort_keys=True))
    points = expand_points(spec.sweep, seed=spec.seed)
    scenarios = []
    problems: list[str] = []
    for p in points:
        what = f"{where}: point {p.id} ({p.label})"
        data = _variant(base_data, p.overrides, what)
        try:
            scenarios.append(validate(data, what))
        except ScenarioError as exc:
            problems.extend(f"point {p.id} ({p.label}): {line}" for line in exc.problems)
            if len(problems) >= 10:
                break
    if problems:
        raise CampaignError(where, problems)
    placed = tuple(dataclasses.replace(p, satellites=satellite_count(s, scenario_dir))
                   for p, s in zip(points, scenarios, strict=True))
    return Plan(spec=spec, source=where, campaign_text=text, campaign_sha256=_sha256(text),
                scenario_sha256=scenario_sha, base_dir=scenario_dir, samples=spec.samples,
                chunk_size=spec.chunk, points=placed, scenarios=tuple(scenarios))


def describe(plan: Plan) -> dict:
    """A JSON-safe summary of a plan (for `--json` and the manifest)."""
    return {
        "campaign": plan.spec.name, "source": plan.source, "seed": plan.spec.seed,
        "samples": plan.samples, "points": len(plan.points), "runs": plan.runs,
        "batch_size": plan.spec.batch_size, "chunk_size": plan.chunk_size,
        "chunks": math.ceil(plan.samples / plan.chunk_size) * len(plan.points),
        "design": plan.spec.sweep.design,
        "parameters": [p.name for p in plan.spec.sweep.parameters],
    }
