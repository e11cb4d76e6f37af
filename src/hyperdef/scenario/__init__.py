"""Scenario files: YAML validated into frozen pydantic models (shared/DESIGN.md §3.12)."""
