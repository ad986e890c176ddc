# syntax=docker/dockerfile:1
FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /build
COPY settings.xml .
RUN --mount=type=secret,id=MAVEN_KEY,env=MAVEN_KEY,required sed -i "s/MAVENKEY/${MAVEN_KEY}/" settings.xml && mvn -s settings.xml package
