import sys
from pathlib import Path

# The complete hand-made run folder of tests/report (real product classes) serves these tests too.
sys.path.insert(0, str(Path(__file__).parents[1] / "report"))
