# syntax=docker/dockerfile:1
FROM node:20 AS build
RUN --mount=type=secret,id=NPM_TOKEN,env=NPM_TOKEN,required npm ci

FROM node:20-slim
COPY --from=build /app /app
CMD ["node", "/app"]
