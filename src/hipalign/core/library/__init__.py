"""The exercise catalog: data files plus their loader and validator."""

from hipalign.core.library.catalog import (
    ADDITION_IDS,
    SEED_IDS,
    Library,
    LibraryError,
    default_library,
    parse_library,
    validate_default_library,
)
from hipalign.core.library.model import Exercise, LadderStep, Source

__all__ = [
    "ADDITION_IDS",
    "SEED_IDS",
    "Exercise",
    "LadderStep",
    "Library",
    "LibraryError",
    "Source",
    "default_library",
    "parse_library",
    "validate_default_library",
]
