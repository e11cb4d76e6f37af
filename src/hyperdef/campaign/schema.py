"""The campaign file schema: a base scenario, its Monte Carlo dispersions, an architecture sweep.

A campaign file is plain YAML (read with `safe_load`), validated into frozen pydantic models that
forbid unknown keys. Example (the built-in `example` campaign is a fuller one):

    name: layers
    scenario: demo                  # a built-in scenario name, or a path relative to this file
    seed: 2030                      # the campaign seed: every sample's stream derives from it
    samples: 1000                   # Monte Carlo samples per architecture point (id 0 = nominal)
    batch_size: 25                  # samples per call of the vmapped kernels (a fixed shape)
    chunk_size: 100                 # samples per stored part (a multiple of batch_size)
    max_runs: 100000                # points × samples above this need --yes
    set:                            # changes applied to every point (dotted paths, see below)
      threats.glider.beta_kgpm2: {low: 4700, high: 13000}
    sweep:
      design: factorial             # or lhs (Latin hypercube, `points` of them)
      parameters:
        - name: layer
          options:
            - {label: "8", set: {sensors.layer.walker.total: 8, sensors.layer.walker.planes: 2}}
            - {label: "28", set: {sensors.layer.walker.total: 28}}
        - {name: nei, path: sensors.layer.nei_w_m2, values: [7.5e-11, 1.5e-10]}
        - {name: alt, path: sensors.layer.walker.alt_km, range: [800, 1200], levels: 3}

A path walks the scenario's YAML: mapping keys by name, list items by their `name` field (or an
integer index). Dispersions (`{mean, sd}`, `{low, high}`) are drawn per sample inside the batched
kernels; sweep parameters change the scenario itself, one variant per point.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from hyperdef.scenario.base import FiniteAny, Model, Name, Text

MAX_POINTS = 100_000  # a sweep beyond this is a mistake, not a study (checked before expanding)
KeyPath = Annotated[str, Field(min_length=1, max_length=500)]
# Free-form values are checked for NaN/inf here; their meaning is checked when they are applied
# to the scenario and the result validated as one.
Overrides = Annotated[dict[KeyPath, FiniteAny], Field(max_length=1_000)]


class CampaignError(ValueError):
    """A campaign that cannot be planned or run; `problems` holds one line per cause."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: invalid campaign\n" + "\n".join(f"  {p}" for p in problems))


class Option(Model):
    """One labelled choice of a bundled parameter: several scenario changes that go together."""

    label: Name = Field(description="Label of this choice in results and reports.")
    set: Overrides = Field(description=(
        "Scenario changes of this choice: dotted path → value (see the module docstring)."))


class Parameter(Model):
    """One sweep axis: discrete `values` of a path, labelled `options`, or a numeric `range`.

    range: [low, high]; in a factorial design it gives `levels` evenly spaced values (geometric
    when `log`), in a Latin hypercube a continuous draw. `integer` rounds to the nearest integer.
    """

    name: Annotated[Name, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")] = Field(description=(
        "Axis name (an identifier): a column of the results."))
    path: KeyPath | None = Field(None, description=(
        "Dotted scenario path the axis sets, e.g. sensors.layer.nei_w_m2 (values and range)."))
    values: Annotated[list[FiniteAny], Field(min_length=1, max_length=10_000)] | None = Field(
        None, description="Discrete values of the path, in the field's own unit.")
    options: Annotated[list[Option], Field(min_length=1, max_length=1_000)] | None = Field(
        None, description="Labelled choices, each a bundle of scenario changes.")
    range: tuple[float, float] | None = Field(None, description=(
        "[low, high] of a numeric axis, in the field's own unit."))
    levels: Annotated[int, Field(ge=2, le=10_000)] | None = Field(None, description=(
        "Evenly spaced values of a factorial range."))
    log: bool = Field(False, description="Space a range geometrically (needs low > 0).")
    integer: bool = Field(False, description="Round range values to the nearest integer.")

    @model_validator(mode="after")
    def _one_kind(self):
        given = [k for k in ("values", "options", "range") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"parameter {self.name!r}: give exactly one of values, options, "
                             f"range (got {', '.join(given) or 'none'})")
        if self.options is None and not self.path:
            raise ValueError(f"parameter {self.name!r}: `path` is required with values/range "
                             "(the scenario field it sets, e.g. sensors.layer.nei_w_m2)")
        if self.options is not None and self.path is not None:
            raise ValueError(f"parameter {self.name!r}: options carry their own `set:`; "
                             "remove `path`")
        if self.range is not None:
            low, high = self.range
            if not high > low:
                raise ValueError(f"parameter {self.name!r}: range must be [low, high] with "
                                 f"high > low, got {list(self.range)}")
            if self.log and not low > 0:
                raise ValueError(f"parameter {self.name!r}: a log range needs low > 0")
        if self.options is not None:
            labels = [o.label for o in self.options]
            dup = sorted({x for x in labels if labels.count(x) > 1})
            if dup:
                raise ValueError(f"parameter {self.name!r}: option labels repeat: {dup}")
        return self

    @property
    def is_range(self) -> bool:
        return self.range is not None


class Sweep(Model):
    """The architecture axes and how points are chosen from them."""

    design: Literal["factorial", "lhs"] = Field("factorial", description=(
        "factorial: every combination; lhs: a Latin hypercube of `points` points (McKay, "
        "Beckman & Conover, Technometrics 21(2), 1979)."))
    points: Annotated[int, Field(ge=1, le=MAX_POINTS)] | None = Field(None, description=(
        "Number of Latin-hypercube points (lhs only)."))
    parameters: Annotated[list[Parameter], Field(max_length=100)] = Field([], description=(
        "The sweep axes."))

    @model_validator(mode="after")
    def _design(self):
        names = [p.name for p in self.parameters]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"sweep parameter names must be unique, repeated: {dup}")
        if self.design == "lhs":
            if self.points is None:
                raise ValueError("design: lhs needs `points` (how many Latin-hypercube points)")
            if not self.parameters:
                raise ValueError("design: lhs needs at least one parameter")
        else:
            if self.points is not None:
                raise ValueError("`points` applies to design: lhs only; a factorial design "
                                 "has one point per combination")
            bad = [p.name for p in self.parameters if p.is_range and p.levels is None]
            if bad:
                raise ValueError(f"factorial ranges need `levels` (how many values): {bad}")
        return self


class CampaignSpec(Model):
    """A whole campaign file (see the module docstring)."""

    schema_version: Literal[1] = Field(1, description="Version of the campaign file format.")
    name: Name = Field("campaign", description="Campaign name; shown in reports.")
    description: Text = Field("", description="Free text shown in reports.")
    scenario: KeyPath | Annotated[dict[str, FiniteAny], Field(max_length=1_000)] = Field(
        description=("The base scenario: a built-in name, a path relative to this file, or "
                     "the scenario itself inline."))
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] = Field(0, description=(
        "Campaign seed: every sample's random streams derive from it."))
    samples: Annotated[int, Field(ge=1, le=10_000_000)] = Field(100, description=(
        "Monte Carlo samples per architecture point (sample 0 is the nominal case)."))
    batch_size: Annotated[int, Field(ge=1, le=100_000)] = Field(16, description=(
        "Samples per call of the batched kernels (a fixed array shape)."))
    chunk_size: Annotated[int, Field(ge=1, le=1_000_000)] | None = Field(None, description=(
        "Samples per stored part, a multiple of batch_size; omitted: 4 × batch_size."))
    max_runs: Annotated[int, Field(ge=1, le=10**12)] = Field(200_000, description=(
        "Points × samples above this need --yes (a guard against a mistyped sweep)."))
    set: Overrides = Field({}, description=(
        "Scenario changes applied to every point: dotted path → value."))
    sweep: Sweep = Field(Sweep(), description="Architecture sweep: design and axes.")

    @model_validator(mode="after")
    def _chunking(self):
        chunk = self.chunk
        if chunk % self.batch_size:
            raise ValueError(f"chunk_size ({chunk}) must be a multiple of batch_size "
                             f"({self.batch_size}), so that every sample is computed in the "
                             "same batch whatever the chunking")
        return self

    @property
    def chunk(self) -> int:
        """Samples per stored part (default: four batches)."""
        return self.chunk_size if self.chunk_size is not None else 4 * self.batch_size
