# dockerfile-migrate as a container image (README: "Install" > "Container").
#   docker build -t dockerfile-migrate .
#   docker run --rm -v "$PWD:/src" -u "$(id -u):$(id -g)" dockerfile-migrate diff .
#
# The base is pinned to a full version tag. Pin its digest as well where you can verify
# it (`docker buildx imagetools inspect python:3.12.8-slim-bookworm`), e.g.
# FROM python:3.12.8-slim-bookworm@sha256:<digest>; this repository's tests build offline
# and cannot check a digest. The build needs no build argument, secret or credential:
# pip fetches click, rich and ruamel.yaml from PyPI.
FROM python:3.12.8-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /build
COPY pyproject.toml README.md ./
COPY migrate/ migrate/
RUN python3 -m venv /opt/dockerfile-migrate \
    && /opt/dockerfile-migrate/bin/pip install . \
    && /opt/dockerfile-migrate/bin/dockerfile-migrate --version

FROM python:3.12.8-slim-bookworm
COPY --from=build /opt/dockerfile-migrate /opt/dockerfile-migrate
# A fixed unprivileged user; /bin/sh stays, so bulk-change tools can run shell commands in it.
RUN groupadd --system --gid 10001 migrate \
    && useradd --system --uid 10001 --gid migrate --home-dir /home/migrate --create-home --shell /bin/sh migrate
ENV PATH=/opt/dockerfile-migrate/bin:$PATH PYTHONDONTWRITEBYTECODE=1
USER 10001:10001
WORKDIR /src
ENTRYPOINT ["dockerfile-migrate"]
CMD ["--help"]
