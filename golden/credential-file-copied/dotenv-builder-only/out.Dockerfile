# syntax=docker/dockerfile:1
FROM node:20 AS build
WORKDIR /app
COPY package*.json ./
RUN npm ci
COPY src ./src
RUN --mount=type=secret,id=dotenv,target=/app/.env.production,required npm run build

FROM nginx:1.27
COPY --from=build /app/dist /usr/share/nginx/html
