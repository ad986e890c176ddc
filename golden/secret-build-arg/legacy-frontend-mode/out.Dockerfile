FROM node:20
RUN --mount=type=secret,id=NPM_TOKEN,required export NPM_TOKEN="$(cat /run/secrets/NPM_TOKEN)" && npm ci && npm run build
RUN --mount=type=secret,id=NPM_TOKEN,required export NPM_TOKEN="$(cat /run/secrets/NPM_TOKEN)" && node --version
