"""Probability of detection from signal-to-noise ratio: the models sensors choose by name.

- `step`: Pd = 1 where SNR ≥ threshold, else 0 (the literature's fixed-threshold comparisons).
- `gaussian` (IR point-source detection): a pixel whose noise is Gaussian with σ = 1 in SNR units,
  thresholded at SNR_t, detects a signal of SNR s with Pd = Φ(s − SNR_t) = ½ erfc((SNR_t − s)/√2)
  (G. C. Holst, *Electro-Optical Imaging System Performance*, 5th ed., 2008, ch. 18).
- `albersheim` (radar, non-fluctuating target, N non-coherently integrated pulses, square-law
  detector): Albersheim's empirical fit (W. J. Albersheim, IEEE Trans. AES-17(4), 1981)
  SNR_dB = −5 log10 N + (6.2 + 4.54/√(N + 0.44))·log10(A + 0.12AB + 1.7B),
  A = ln(0.62/Pfa), B = ln(Pd/(1 − Pd)), solved for B and Pd = 1/(1 + e^−B) (M. A. Richards,
  *Fundamentals of Radar Signal Processing*, 2005, ch. 6). Against the exact square-law
  (Marcum) curves, measured in tests/sensors: within 0.07 dB for N = 1 and Pd ≥ 0.5, within
  0.3 dB for N = 10, but optimistic by up to 0.9 dB at Pd = 0.1 (Pd there is overestimated,
  e.g. 0.1 instead of 0.05 at Pfa = 1e-6): use `swerling1` or the exact form when low-Pd
  tails matter.
- `swerling1` (radar, Rayleigh-fluctuating target, scan to scan, one pulse, square law): exact
  Pd = Pfa^(1/(1 + SNR)) (Richards 2005, ch. 7; Skolnik, *Introduction to Radar Systems*, 2001,
  §2.8). Coherent integration gain belongs in the SNR.

SNR here is the linear power ratio (`snr`), or a dB value where the name says `_db`.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax.scipy.special import ndtr

PD_MODELS = ("step", "gaussian", "albersheim", "swerling1")

# A linear SNR, threshold, Pfa or pulse count: a number, or an array of them (broadcast).
Scalar = jax.Array | float


def pd_step(snr: Scalar, snr_threshold: Scalar) -> jax.Array:
    """(...,) 1.0 where snr ≥ snr_threshold else 0.0 (linear SNR, broadcast)."""
    return jnp.where(snr >= snr_threshold, 1.0, 0.0)


def pd_gaussian(snr: Scalar, snr_threshold: Scalar) -> jax.Array:
    """(...,) Φ(snr − snr_threshold): Gaussian-noise point-source detection (Holst 2008)."""
    return ndtr(snr - snr_threshold)


def pd_albersheim(snr: Scalar, pfa: Scalar, n_pulses: Scalar = 1) -> jax.Array:
    """(...,) Pd of a non-fluctuating target from linear SNR per pulse (Albersheim 1981)."""
    snr_db = 10.0 * jnp.log10(jnp.maximum(snr, 1e-30))
    a = jnp.log(0.62 / pfa)
    z = (snr_db + 5.0 * jnp.log10(n_pulses)) / (6.2 + 4.54 / jnp.sqrt(n_pulses + 0.44))
    b = (10.0**z - a) / (0.12 * a + 1.7)
    return jnp.where(snr > 0.0, 1.0 / (1.0 + jnp.exp(-b)), 0.0)


def snr_db_albersheim(pd: Scalar, pfa: Scalar, n_pulses: Scalar = 1) -> jax.Array:
    """(...,) per-pulse SNR [dB] Albersheim's equation requires for (pd, pfa, n_pulses)."""
    a = jnp.log(0.62 / pfa)
    b = jnp.log(pd / (1.0 - pd))
    return (-5.0 * jnp.log10(n_pulses)
            + (6.2 + 4.54 / jnp.sqrt(n_pulses + 0.44)) * jnp.log10(a + 0.12 * a * b + 1.7 * b))


def pd_swerling1(snr: Scalar, pfa: Scalar) -> jax.Array:
    """(...,) exact single-pulse Swerling I Pd = pfa^(1/(1 + snr)) (square-law detector)."""
    return jnp.power(pfa, 1.0 / (1.0 + jnp.maximum(snr, 0.0)))


def pd_of(model: str, snr: Scalar, *, snr_threshold: Scalar | None = None,
          pfa: Scalar | None = None, n_pulses: Scalar = 1) -> jax.Array:
    """Dispatch by model name (one of PD_MODELS); raises ValueError listing the choices."""
    # The resolved sensor records carry the threshold (step, gaussian) or the Pfa (radar models)
    # their model needs.
    if model == "step":
        assert snr_threshold is not None
        return pd_step(snr, snr_threshold)
    if model == "gaussian":
        assert snr_threshold is not None
        return pd_gaussian(snr, snr_threshold)
    if model == "albersheim":
        assert pfa is not None
        return pd_albersheim(snr, pfa, n_pulses)
    if model == "swerling1":
        assert pfa is not None
        return pd_swerling1(snr, pfa)
    raise ValueError(f"pd_model: unknown {model!r}; choose one of {', '.join(PD_MODELS)}")
