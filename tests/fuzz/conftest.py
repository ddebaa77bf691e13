"""Loads the fuzz suite's hypothesis profile (``ci`` unless ``ONCOGRAPH_FUZZ`` names another)."""

from . import profiles  # noqa: F401  (registers and loads the profiles)
