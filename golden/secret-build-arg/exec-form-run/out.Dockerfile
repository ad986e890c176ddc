# syntax=docker/dockerfile:1
FROM python:3.12-slim
COPY fetch.py /fetch.py
RUN --mount=type=secret,id=API_KEY,env=API_KEY,required ["python3", "/fetch.py"]
RUN ["apt-get", "update"]
