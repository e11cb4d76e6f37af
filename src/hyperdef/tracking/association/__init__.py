"""Data association: which detection updates which track.

* `gnn` — global nearest neighbour: the single most likely one-to-one assignment
  (`scipy.optimize.linear_sum_assignment` on an augmented cost matrix).
* `jpda` — joint probabilistic data association: every feasible joint event weighed, each track
  updated with the marginal association probabilities (for closely spaced targets).
* `rays` — measurement-to-measurement association of lines of sight from different platforms
  for triangulation.
* `births` — new tracks from the detections no track took (triangulation, radar, lone lines of
  sight): the initiation policy;
* `initiate` — the initiation maths each birth uses (triangulation with covariance, a radar
  start, range-parameterised line-of-sight hypotheses).
"""

from hyperdef.tracking.association.gnn import gnn_assign
from hyperdef.tracking.association.jpda import jpda_betas

__all__ = ["gnn_assign", "jpda_betas"]
