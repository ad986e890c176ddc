FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /build
COPY settings.xml .
ARG MAVEN_KEY
RUN sed -i "s/MAVENKEY/${MAVEN_KEY}/" settings.xml && mvn -s settings.xml package
