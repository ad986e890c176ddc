# escape=`
FROM mcr.microsoft.com/dotnet/sdk:8.0-windowsservercore-ltsc2022
ARG NUGET_API_KEY
WORKDIR C:\src
RUN dotnet restore `
    --configfile nuget.config
RUN dotnet nuget push out\*.nupkg --api-key $env:NUGET_API_KEY `
    --source https://api.nuget.org/v3/index.json
