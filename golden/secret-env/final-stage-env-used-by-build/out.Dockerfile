# syntax=docker/dockerfile:1
FROM ruby:3.3
RUN --mount=type=secret,id=BUNDLE_GITHUB__COM,env=BUNDLE_GITHUB__COM,required bundle install
CMD ["bundle", "exec", "puma"]
