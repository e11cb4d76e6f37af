"""hyperdef — sensing, tracking and warning against hypersonic threats, batched on JAX.

Importing hyperdef switches JAX to float64 once, here: every kernel assumes it, and mixing
precisions inside one process would make results depend on import order.
"""

import jax

jax.config.update("jax_enable_x64", True)

__version__ = "0.1.0"
