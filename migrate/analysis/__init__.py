"""Analyses shared by rules: shell commands in RUN, variable flows."""
