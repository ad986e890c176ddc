# syntax=docker/dockerfile:1
FROM debian:bookworm
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates
RUN --mount=type=secret,id=netrc,target=/root/.netrc,required curl -fsSL --netrc -o /opt/tool.tgz https://files.example.com/tool.tgz
RUN mkdir -p /opt/tool
