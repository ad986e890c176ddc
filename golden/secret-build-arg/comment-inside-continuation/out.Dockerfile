# syntax=docker/dockerfile:1
FROM python:3.12-slim
RUN --mount=type=secret,id=PIP_INDEX_URL,env=PIP_INDEX_URL,required pip install --upgrade pip \
    # the private index comes from PIP_INDEX_URL
    && pip install -r requirements.txt
