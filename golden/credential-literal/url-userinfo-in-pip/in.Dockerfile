FROM python:3.12-slim
RUN pip install --index-url https://deploy:Sup3rS3cret@pypi.example.invalid/simple app
