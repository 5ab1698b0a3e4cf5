"""Outcome measures as data, their scoring, and meaningful change (CLINICAL.md 3)."""
