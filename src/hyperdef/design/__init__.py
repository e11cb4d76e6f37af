"""Differentiable architecture design: smooth figures of merit, design variables, optimisation.

Kernels here (`smooth`, `layer`, `figures`, `objective`, `optimize`, `sensitivity`) take plain
arrays and frozen records; `hyperdef.design.file` is the edge that reads a design file and the
base scenario into those records.
"""
