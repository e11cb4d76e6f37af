"""Track-derived products are withheld from estimates that have not converged."""

import numpy as np

from hyperdef.assessment.quality import QualityGate, withheld_reason


def test_gate_on_position_and_velocity_sigma():
    gate = QualityGate(max_pos_sigma_m=15e3, max_vel_sigma_mps=25.0)
    ok = np.diag([1e3**2, 2e3**2, 5e2**2, 10.0**2, 10.0**2, 10.0**2])
    assert withheld_reason(ok, gate) is None
    # an initialising track: 3 km/s velocity prior, 200 km along the line of sight
    init = np.diag([200e3**2, 1e3**2, 1e3**2, 3e3**2, 3e3**2, 3e3**2])
    assert withheld_reason(init, gate) == "track not converged: position 1σ 200.0 km > 15.0 km"
    # the largest axis counts, whatever the frame: rotate a 20 km × 1 km ellipse by 45°
    c = np.sqrt(0.5)
    R = np.array([[c, -c, 0.0], [c, c, 0.0], [0.0, 0.0, 1.0]])
    tilted = np.zeros((6, 6))
    tilted[:3, :3] = R @ np.diag([20e3**2, 1e3**2, 1e3**2]) @ R.T
    tilted[3:, 3:] = np.eye(3)
    assert "position 1σ 20.0 km" in withheld_reason(tilted, gate)
    slow = ok.copy()
    slow[4, 4] = 40.0**2
    assert withheld_reason(slow, gate) == "track not converged: velocity 1σ 40 m/s > 25 m/s"
    assert withheld_reason(np.full((6, 6), np.nan), gate) == "track covariance not finite"
