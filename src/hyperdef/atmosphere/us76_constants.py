"""Defining constants of the US Standard Atmosphere 1976, SI units.

Source for every number here: *U.S. Standard Atmosphere, 1976*, NOAA-S/T 76-1562 /
NASA-TM-X-74335 (NOAA, NASA, USAF; Washington DC, 1976), Part 1 ("US76" below).
The document's own constants are kept even where CODATA has moved on (its Boltzmann constant,
Avogadro number and gas constant), because its printed tables were computed with them.
"""

import numpy as np

from hyperdef.constants import G0_MPS2, R0_GEOPOTENTIAL_M

__all__ = ["G0_MPS2", "R0_GEOPOTENTIAL_M"]  # re-exported so the US76 modules share one source

# --- Physical constants as adopted by US76 -------------------------------------------------------
R_STAR_J_PER_MOL_K = 8.31432  # universal gas constant R*
AVOGADRO_PER_MOL = 6.022169e23  # N_A
BOLTZMANN_J_PER_K = 1.380622e-23  # k as printed; R*/N_A differs from it by 2.3e-6 (see us76.py)
M0_KG_PER_MOL = 28.9644e-3  # sea-level mean molar mass of dry air
GAMMA = 1.40  # ratio of specific heats (speed-of-sound definition)
T0_K = 288.15
P0_PA = 101_325.0

# --- 0–86 km: seven layers linear in geopotential height H (US76 Table 4) -------------------------
LAYER_BASE_H_M = np.array([0.0, 11_000.0, 20_000.0, 32_000.0, 47_000.0, 51_000.0, 71_000.0])
LAYER_LAPSE_K_PER_M = np.array([-6.5e-3, 0.0, 1.0e-3, 2.8e-3, 0.0, -2.8e-3, -2.0e-3])
TOP_OF_LAYERS_H_M = 84_852.0  # = 86 km geometric

# Molecular-weight ratio M/M0 between 80 and 86 km geometric (US76 Table 8), 0.5 km steps:
# the kinetic temperature there is T = T_M · M/M0; pressure and density are unaffected.
TABLE8_Z_M = np.arange(80_000.0, 86_000.0 + 1.0, 500.0)
TABLE8_M_RATIO = np.array(
    [1.000000, 0.999996, 0.999989, 0.999971, 0.999941, 0.999909, 0.999870,
     0.999829, 0.999786, 0.999741, 0.999694, 0.999641, 0.999579]
)  # fmt: skip

# --- 86–1000 km: four temperature segments in geometric altitude Z (US76 Part 1) ---------------
Z7_M, Z8_M, Z9_M, Z10_M, Z11_M, Z12_M = 86e3, 91e3, 110e3, 120e3, 500e3, 1000e3
T7_K = 186.8673  # isothermal 86–91 km
TC_K, ELLIPSE_A_K, ELLIPSE_A_M = 263.1905, -76.3232, -19_942.9  # elliptical 91–110 km
T9_K, LAPSE9_K_PER_M = 240.0, 12.0e-3  # linear 110–120 km
T10_K, TINF_K, LAMBDA_PER_M = 360.0, 1000.0, 0.01875e-3  # exponential 120–1000 km, λ of eq. 32

# --- 86–1000 km composition -------------------------------------------------------------------
# Molar masses [kg/mol] of the six species the upper model carries.
SPECIES = ("N2", "O", "O2", "Ar", "He", "H")
MOLAR_MASS_KG_PER_MOL = {
    "N2": 28.0134e-3, "O": 15.9994e-3, "O2": 31.9988e-3,
    "Ar": 39.948e-3, "He": 4.0026e-3, "H": 1.00797e-3,
}  # fmt: skip
# Number densities at Z7 = 86 km [m^-3] (initial values of the diffusion integration).
N_AT_86KM_PER_M3 = {
    "N2": 1.129794e20, "O": 8.6e16, "O2": 3.030898e19, "Ar": 1.351400e18, "He": 7.5817e14,
}  # fmt: skip
# Molecular diffusion D_i = a_i (T/273.15 K)^b_i / n  [m^2/s], a_i in m^-1 s^-1; thermal
# diffusion factors α_i (zero for the heavy species).
DIFFUSION_A = {"O": 6.986e20, "O2": 4.863e20, "Ar": 4.487e20, "He": 1.7e21, "H": 3.305e21}
DIFFUSION_B = {"O": 0.75, "O2": 0.75, "Ar": 0.87, "He": 0.691, "H": 0.5}
THERMAL_ALPHA = {"N2": 0.0, "O": 0.0, "O2": 0.0, "Ar": 0.0, "He": -0.40, "H": -0.25}
# Eddy diffusion: K7 up to 95 km, then K7·exp(1 − 400/(400 − (Z−95)^2)) (Z in km) to 115 km.
EDDY_K7_M2PS = 120.0
EDDY_TAPER_START_M, EDDY_TOP_M, EDDY_TAPER_M2 = 95e3, 115e3, 400e6
# Vertical-transport term v_i/(D_i+K) = Q (Z−U)^2 exp(−W (Z−U)^3) [+ q (u−Z)^2 exp(−w (u−Z)^3)
# for O below 97 km] (eq. 37), applied 86–150 km; Q, W in m^-3, U in m (km values × 1e-9, × 1e3).
TRANSPORT_Q = {"O": -5.809644e-13, "O2": 1.366212e-13, "Ar": 9.434079e-14, "He": -2.457369e-13}
TRANSPORT_U_M = {"O": 56.90311e3, "O2": 86e3, "Ar": 86e3, "He": 86e3}
TRANSPORT_W = {"O": 2.706240e-14, "O2": 8.333333e-14, "Ar": 8.333333e-14, "He": 6.666667e-13}
O_HUMP_Q, O_HUMP_U_M, O_HUMP_W = -3.416248e-12, 97e3, 5.008765e-13
TRANSPORT_TOP_M = 150e3
# The mean molar mass M in the eddy term of eq. 36 (and in the N2 hydrostatic integral):
# M0 from 86 to 100 km, M(N2) above.
MIXED_MASS_TOP_M = 100e3
# Atomic hydrogen: n(H) at Z11 = 500 km and its upward flux φ [m^-2 s^-1]; n(H) = 0 below 150 km.
N_H_AT_500KM_PER_M3 = 8.0e10
H_FLUX_PER_M2S = 7.2e11
H_BOTTOM_M = 150e3
