"""Posture: photo analysis (in a child process) and stored posture uploads."""
