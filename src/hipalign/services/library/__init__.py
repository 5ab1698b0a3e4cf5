"""The exercise library as installed: demonstrations and education lessons."""
