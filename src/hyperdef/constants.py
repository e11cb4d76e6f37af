"""Physical constants, SI, each with its source (WGS84, EGM96, CODATA 2018; docs/references.md)."""

# WGS84 defining parameters (NIMA TR8350.2, 3rd ed., Table 3.1).
WGS84_A_M = 6_378_137.0
WGS84_INV_F = 298.257223563
WGS84_F = 1.0 / WGS84_INV_F
WGS84_B_M = WGS84_A_M * (1.0 - WGS84_F)
WGS84_E2 = WGS84_F * (2.0 - WGS84_F)
GM_M3PS2 = 3.986004418e14
OMEGA_EARTH_RADPS = 7.292115e-5

# EGM96 unnormalised second zonal harmonic.
J2 = 1.08262668e-3

# IUGG mean Earth radius R1 = (2a + b)/3, used by the spherical comparison modes
# (the glide literature, e.g. Tracy & Wright 2020, uses a 6 371 km sphere).
R_EARTH_MEAN_M = 6_371_008.8

# Standard gravity (CGPM 1901) and the US76 geopotential reference radius.
G0_MPS2 = 9.80665
R0_GEOPOTENTIAL_M = 6_356_766.0

# CODATA 2018 exact SI values.
BOLTZMANN_J_PER_K = 1.380649e-23
STEFAN_BOLTZMANN_W_PER_M2_K4 = 5.670374419e-8
PLANCK_J_S = 6.62607015e-34
C_MPS = 299_792_458.0

# Sutton–Graves stagnation heating constant for air, SI (Sutton & Graves, NASA TR R-376, 1971).
SUTTON_GRAVES_K_AIR = 1.7415e-4
