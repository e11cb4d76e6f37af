"""Shared test set-up: hyperdef enables float64 on import; tests rely on it everywhere."""

import hyperdef  # noqa: F401
