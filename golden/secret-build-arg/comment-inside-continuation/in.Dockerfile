FROM python:3.12-slim
ARG PIP_INDEX_URL
RUN pip install --upgrade pip \
    # the private index comes from PIP_INDEX_URL
    && pip install -r requirements.txt
