"""dockerfile-migrate: move build secrets out of Docker images."""

__version__ = "0.1.0"
