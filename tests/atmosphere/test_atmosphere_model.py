"""The name registry: scenario files pick a model by its short name."""

import numpy as np
import pytest

from hyperdef.atmosphere import exponential, us76
from hyperdef.atmosphere.model import AtmosphereState, atmosphere
from hyperdef.atmosphere.state import AtmosphereState as StateFromItsModule


def test_names_resolve_to_the_models():
    assert atmosphere("us76") is us76.properties
    assert atmosphere("exponential") is exponential.properties
    assert AtmosphereState is StateFromItsModule
    s = atmosphere("us76")(np.array([0.0]))
    assert isinstance(s, AtmosphereState) and s._fields == (
        "temp_k",
        "pressure_pa",
        "density_kgpm3",
        "sound_speed_mps",
    )


@pytest.mark.parametrize("name", ["US76", "isa", "", None])
def test_unknown_name_lists_the_choices(name):
    with pytest.raises(ValueError, match="'us76', 'exponential'"):
        atmosphere(name)
