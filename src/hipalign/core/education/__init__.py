"""Lessons (short pages in our own words, each with sources) and lifestyle coaching."""
