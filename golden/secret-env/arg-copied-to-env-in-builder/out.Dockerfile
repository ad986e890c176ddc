# syntax=docker/dockerfile:1
FROM python:3.12 AS build
RUN --mount=type=secret,id=PIP_INDEX_URL,env=PIP_INDEX_URL,required pip wheel -r requirements.txt -w /wheels

FROM python:3.12-slim
COPY --from=build /wheels /wheels
RUN pip install --no-index /wheels/*
CMD ["python", "-m", "app"]
