FROM node:20 AS build
WORKDIR /app
RUN --mount=type=secret,id=NPM_TOKEN,env=NPM_TOKEN,required \
    echo "//npm.pkg.example/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci && rm -f .npmrc
RUN --mount=type=secret,id=GH_TOKEN,env=GH_TOKEN,required \
    git config --global url."https://${GH_TOKEN}@github.com/".insteadOf "https://github.com/" && \
    npm run fetch-private && \
    git config --global --remove-section url."https://${GH_TOKEN}@github.com/"
RUN git config --global url."git@github.com:".insteadOf "https://github.com/"
RUN git config --global user.email "ci@example.com" && npm config set registry https://registry.npmjs.org/
RUN echo "registry=https://npm.pkg.example/" > .npmrc
RUN --mount=type=tmpfs,target=/root/.docker --mount=type=secret,id=PW,env=PW,required \
    docker login -u ci -p "$PW" registry.example.com && docker pull registry.example.com/base:1
