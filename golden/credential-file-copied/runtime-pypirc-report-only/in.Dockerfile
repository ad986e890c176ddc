FROM python:3.12
WORKDIR /src
COPY . /src
ADD .pypirc /root/
CMD ["twine", "upload", "dist/*"]
