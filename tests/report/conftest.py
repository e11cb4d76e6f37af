import sys
from pathlib import Path

# Let the tests in this folder import the `report_run` helper module beside them.
sys.path.insert(0, str(Path(__file__).parent))
