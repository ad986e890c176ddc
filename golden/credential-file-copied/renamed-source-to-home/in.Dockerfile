FROM node:20
WORKDIR /usr/src/app
COPY package.json ./
COPY .npmrc-ci /root/.npmrc
RUN npm install
RUN rm /root/.npmrc
RUN npm run build
