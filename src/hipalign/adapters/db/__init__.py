"""Django models and their mapping to core types: the persistence edge of hipalign."""
