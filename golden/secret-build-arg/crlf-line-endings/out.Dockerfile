# syntax=docker/dockerfile:1
FROM python:3.12-slim
RUN --mount=type=secret,id=PIP_EXTRA_INDEX_URL,env=PIP_EXTRA_INDEX_URL,required pip install --no-cache-dir -r requirements.txt
CMD ["python", "app.py"]
