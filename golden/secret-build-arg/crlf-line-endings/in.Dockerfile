FROM python:3.12-slim
ARG PIP_EXTRA_INDEX_URL
RUN pip install --no-cache-dir -r requirements.txt
CMD ["python", "app.py"]
