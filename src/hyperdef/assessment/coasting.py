"""Coasted predictions asked for by an assessment, flown one sample at a time or a batch at once.

Where custody lapses (or an estimate is withheld), the engagement windows coast the last trusted
estimate forward (`engagement.predicted_positions`). One sample asks for a handful of such
flights; flown sample by sample, each flight call is padded to a block of 16 and pays its
integration loop for a few states (3.3 ms a sample on the demo). An assessment is therefore
written as steps (a generator) that yield each `Coast` they need and are sent its positions:
`serve` flies them for one sample, `serve_all` advances a whole batch's samples together and
flies every sample's pending coasts in one call.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Generator
from typing import Any, TypeVar

import numpy as np

from hyperdef.assessment.flyout import FlightOptions, VehicleClass, coast
from hyperdef.earth.model import EarthModel

__all__ = ["Coast", "Steps", "serve", "serve_all"]

R = TypeVar("R")


@dataclasses.dataclass(frozen=True)
class Coast:
    """States y0 (G, 6) [m, m/s, ECEF] released at t0_s (G,) [s], to be flown unpowered as
    `vehicle` and reported on t_grid_s (T,) [s] (`flyout.coast`)."""

    y0: np.ndarray
    t0_s: np.ndarray
    vehicle: VehicleClass
    t_grid_s: np.ndarray
    atmosphere: str
    earth: EarthModel
    options: FlightOptions

    def flown_with(self) -> tuple[Any, ...]:
        """What coasts flown in one call must share (all but the states and vehicle class)."""
        return (self.atmosphere, self.earth, self.options, self.t_grid_s.tobytes())


#: An assessment as steps: yields the coasts it needs, is sent each one's (G, T, 3) positions,
#: and returns its result.
Steps = Generator[Coast, np.ndarray, R]


def _fly(asks: list[Coast]) -> list[np.ndarray]:
    """Positions of each coast in `asks` (which share `flown_with`), flown in one call."""
    first = asks[0]
    ys = coast(np.concatenate([a.y0 for a in asks]), np.concatenate([a.t0_s for a in asks]),
               [a.vehicle for a in asks for _ in range(len(a.y0))], first.t_grid_s,
               atmosphere=first.atmosphere, earth=first.earth, options=first.options)
    return np.split(ys, np.cumsum([len(a.y0) for a in asks])[:-1])


def serve(steps: Steps[R]) -> R:
    """Run one assessment's steps, flying each coast as it is asked for."""
    try:
        ask = next(steps)
        while True:
            ask = steps.send(_fly([ask])[0])
    except StopIteration as done:
        return done.value


def serve_all(steps: list[Steps[R]]) -> list[R]:
    """Run many assessments' steps side by side: each round flies the coasts every unfinished
    one asks for next, in one call per set of shared settings, and sends each its positions.
    The results are the ones `serve` gives each (a coast's flight does not depend on the
    others flown beside it)."""
    results: list[Any] = [None] * len(steps)
    asking: dict[int, Coast] = {}

    def advance(i: int, ys: np.ndarray | None) -> None:
        try:
            asking[i] = next(steps[i]) if ys is None else steps[i].send(ys)
        except StopIteration as done:
            results[i] = done.value

    for i in range(len(steps)):
        advance(i, None)
    while asking:
        now, groups = dict(asking), dict[tuple[Any, ...], list[int]]()
        asking.clear()
        for i, ask in now.items():
            groups.setdefault(ask.flown_with(), []).append(i)
        for members in groups.values():
            for i, ys in zip(members, _fly([now[i] for i in members]), strict=True):
                advance(i, ys)
    return results
