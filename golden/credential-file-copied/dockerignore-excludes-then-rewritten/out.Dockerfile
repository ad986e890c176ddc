# syntax=docker/dockerfile:1
FROM node:20
WORKDIR /usr/src/app
COPY package*.json ./
RUN --mount=type=secret,id=npmrc,target=/usr/src/app/.npmrc,required npm install
COPY . .
CMD ["npm", "start"]
