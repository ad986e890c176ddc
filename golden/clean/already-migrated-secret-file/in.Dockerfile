# syntax=docker/dockerfile:1
FROM python:3.12-slim
RUN --mount=type=secret,id=pipconf,target=/etc/pip.conf,required \
    pip install --no-cache-dir -r requirements.txt
