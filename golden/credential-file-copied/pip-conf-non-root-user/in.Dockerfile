FROM python:3.12-slim
RUN useradd -m app
USER app
WORKDIR /home/app
COPY pip.conf /etc/pip.conf
RUN pip install --user private-package
CMD ["python", "-m", "private_package"]
