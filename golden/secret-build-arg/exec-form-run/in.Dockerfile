FROM python:3.12-slim
ARG API_KEY
COPY fetch.py /fetch.py
RUN ["python3", "/fetch.py"]
RUN ["apt-get", "update"]
