# syntax=docker/dockerfile:1
# escape=`
FROM mcr.microsoft.com/dotnet/sdk:8.0-windowsservercore-ltsc2022
WORKDIR C:\src
RUN --mount=type=secret,id=NUGET_API_KEY,env=NUGET_API_KEY,required dotnet restore `
    --configfile nuget.config
RUN --mount=type=secret,id=NUGET_API_KEY,env=NUGET_API_KEY,required dotnet nuget push out\*.nupkg --api-key $env:NUGET_API_KEY `
    --source https://api.nuget.org/v3/index.json
