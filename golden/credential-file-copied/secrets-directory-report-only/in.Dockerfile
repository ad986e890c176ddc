FROM python:3.12-slim
WORKDIR /srv
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY secrets/ /srv/secrets/
CMD ["python", "app.py"]
