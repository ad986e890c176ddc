FROM node:20
WORKDIR /usr/src/app
ARG NPM_TOKEN
COPY .npmrc .npmrc
COPY package*.json ./
RUN npm install
COPY . .
CMD ["npm", "start"]
