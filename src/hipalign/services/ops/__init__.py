"""Operations: background work, backup, health (issue 19)."""
