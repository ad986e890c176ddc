FROM node:20
WORKDIR /app
COPY .yarnrc.yml ./
RUN ["yarn", "install", "--immutable"]
RUN <<EOF
yarn build
EOF
RUN rm .yarnrc.yml
