"""Operations: background work, backup and restore of a whole install, readiness (issue 19)."""
