"""Lossless Dockerfile syntax: model and parser."""

from .model import Directive, Dockerfile, Flag, Heredoc, Instruction, Span, Stage, Trivia, Word
from .parser import DockerfileSyntaxError, name_value_pairs, parse

__all__ = [
    "Directive", "Dockerfile", "DockerfileSyntaxError", "Flag", "Heredoc", "Instruction",
    "Span", "Stage", "Trivia", "Word", "name_value_pairs", "parse",
]
