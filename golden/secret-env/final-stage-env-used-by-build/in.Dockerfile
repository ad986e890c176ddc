FROM ruby:3.3
ARG BUNDLE_GITHUB__COM
ENV BUNDLE_GITHUB__COM=$BUNDLE_GITHUB__COM
RUN bundle install
CMD ["bundle", "exec", "puma"]
