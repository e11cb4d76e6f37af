import sys
from pathlib import Path

# The report tests' small run (built from the real product classes) serves here too.
sys.path.insert(0, str(Path(__file__).parents[1] / "report"))
