FROM google/cloud-sdk:470.0.0-slim AS fetch
COPY gcp-service-account.json /tmp/sa.json
ENV GOOGLE_APPLICATION_CREDENTIALS=/tmp/sa.json
RUN python3 /opt/fetch_models.py
RUN rm /tmp/sa.json

FROM python:3.12-slim
COPY --from=fetch /models /models
