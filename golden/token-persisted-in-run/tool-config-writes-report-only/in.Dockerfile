# syntax=docker/dockerfile:1
FROM python:3.12 AS build
RUN --mount=type=secret,id=PYPI_PASSWORD,env=PYPI_PASSWORD,required pip config set global.index-url "https://ci:${PYPI_PASSWORD}@pypi.example.com/simple"
RUN --mount=type=secret,id=PYPI_PASSWORD,env=PYPI_PASSWORD,required poetry config http-basic.acme ci "${PYPI_PASSWORD}"
RUN --mount=type=secret,id=COMPOSER_TOKEN,env=COMPOSER_TOKEN,required composer config --global github-oauth.github.com "${COMPOSER_TOKEN}"
RUN --mount=type=secret,id=BUNDLE_TOKEN,env=BUNDLE_TOKEN,required bundle config set --global gems.example.com "ci:${BUNDLE_TOKEN}"
RUN --mount=type=secret,id=AWS_SECRET_ACCESS_KEY,env=AWS_SECRET_ACCESS_KEY,required aws configure set aws_secret_access_key "${AWS_SECRET_ACCESS_KEY}"
RUN pip install -r requirements.txt && poetry install && composer install && bundle install && aws s3 ls
CMD ["python", "-m", "app"]
