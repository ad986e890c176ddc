FROM node:20 AS build
WORKDIR /app
COPY package*.json ./
RUN npm ci
COPY src ./src
COPY .env.production ./.env.production
RUN npm run build

FROM nginx:1.27
COPY --from=build /app/dist /usr/share/nginx/html
