"""Atmosphere models: US Standard Atmosphere 1976 (0–1000 km) and an isothermal exponential fit.

Choose one by name with `hyperdef.atmosphere.model.atmosphere("us76" | "exponential")`.
"""
