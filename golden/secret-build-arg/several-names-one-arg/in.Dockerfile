FROM node:20
ARG APP_VERSION NPM_TOKEN BUILD_DATE
RUN npm ci && npm run build
