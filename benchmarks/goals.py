"""One line per stated goal, the same in every benchmark: what, where it was set, the figure, and
met / NOT met — or "not measured" with the reason, never silence.

    from goals import goal
    goal(">= 1e6 updates/s on 2 CPU cores", 5, f"{rate:.3g}/s", rate >= 1e6)
    goal("10^6 glides <= 3 s on one GPU", 3, None, None, why="no GPU in this run")
"""

from __future__ import annotations


def verdict(met: bool | None, why: str | None = None) -> str:
    if met is None:
        return f"not measured ({why})" if why else "not measured"
    return "met" if met else "NOT met"


def goal(text: str, issue: int | str | None, figure: str | None, met: bool | None,
         why: str | None = None) -> str:
    """Print and return 'goal: TEXT (issue N): FIGURE — VERDICT'; met None: not measured.
    issue: the number that set it, or a string such as "7, 11" for several ("issues 7, 11")."""
    where = "" if issue is None else f" (issue{'s' if ',' in str(issue) else ''} {issue})"
    line = f"goal: {text}{where}: " + (f"{figure} — " if figure else "") + verdict(met, why)
    print(line)
    return line
