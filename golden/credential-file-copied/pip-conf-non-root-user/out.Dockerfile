# syntax=docker/dockerfile:1
FROM python:3.12-slim
RUN useradd -m app
USER app
WORKDIR /home/app
RUN --mount=type=secret,id=pip_conf,target=/etc/pip.conf,mode=0444,required pip install --user private-package
CMD ["python", "-m", "private_package"]
