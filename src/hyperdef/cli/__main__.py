"""`python -m hyperdef.cli` — the same as the `hyperdef` console script."""

from hyperdef.cli.main import app

app(prog_name="hyperdef")
