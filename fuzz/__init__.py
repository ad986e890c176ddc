"""Fuzzing and property-test support: Dockerfile generators and the invariants
every input must satisfy (see README "Robustness")."""
