"""Scenario files: YAML validated into frozen pydantic models (docs/conventions.md, "Scenario
files")."""
