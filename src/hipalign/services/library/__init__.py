"""The exercise library's services: demonstrations, the anatomy diagram, a clinic's own media."""
