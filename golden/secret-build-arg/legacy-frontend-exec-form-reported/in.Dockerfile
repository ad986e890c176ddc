FROM node:20
ARG NPM_TOKEN
RUN ["npm", "ci"]
