"""Per-sample status codes: failures in batched kernels are data, raised only at the API edge.

Codes are small ints so they live in JAX arrays, and run folders record their names
(summary.json's threat `status`); `describe` turns either into words where a person reads them
(the command line's headline, the report's summary table).
"""

import enum


class Status(enum.IntEnum):
    OK = 0
    IMPACT = 1
    MAX_TIME = 2
    MAX_STEPS = 3
    NON_FINITE = 4
    BELOW_GROUND_AT_START = 5
    ESCAPE = 6
    STOP_ALTITUDE = 7
    BELOW_HORIZON = 8
    SINGULAR = 9
    OUT_OF_REACH = 10
    INVALID_INPUT = 11


_WHY = {
    Status.OK: "finished normally",
    Status.IMPACT: "reached the ground",
    Status.MAX_TIME: "reached the end of the simulated time",
    Status.MAX_STEPS: "ran out of integration steps",
    Status.NON_FINITE: "the state became NaN or infinite",
    Status.BELOW_GROUND_AT_START: "started below the ground",
    Status.ESCAPE: "speed above escape velocity",
    Status.STOP_ALTITUDE: "reached the requested stop altitude",
    Status.BELOW_HORIZON: "below the horizon",
    Status.SINGULAR: "a matrix was singular",
    Status.OUT_OF_REACH: "the aim point or release state is beyond the vehicle's reach",
    Status.INVALID_INPUT: "an input was invalid",
}


def describe(code: int | str) -> str:
    """Name and meaning of a status code or name, e.g. 'IMPACT (reached the ground)'.

    A name this version does not know (a run folder written by another) comes back unchanged.
    """
    if isinstance(code, str):
        if code not in Status.__members__:
            return code
        code = Status[code]
    s = Status(int(code))
    return f"{s.name} ({_WHY[s]})"
