# syntax=docker/dockerfile:1
FROM google/cloud-sdk:470.0.0-slim AS fetch
ENV GOOGLE_APPLICATION_CREDENTIALS=/tmp/sa.json
RUN --mount=type=secret,id=service_account,target=/tmp/sa.json,required python3 /opt/fetch_models.py

FROM python:3.12-slim
COPY --from=fetch /models /models
