FROM python:3
WORKDIR /home/app
ADD ./.pypirc ~/
CMD python setup.py sdist bdist upload
