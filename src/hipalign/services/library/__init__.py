"""The exercise library as installed: demonstrations, education lessons and the library sync."""
