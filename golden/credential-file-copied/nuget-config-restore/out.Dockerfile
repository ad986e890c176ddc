# syntax=docker/dockerfile:1
FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build
WORKDIR /src
COPY *.csproj ./
RUN --mount=type=secret,id=nuget_config,target=/src/NuGet.Config,required dotnet restore
COPY src/ ./src/
RUN --mount=type=secret,id=nuget_config,target=/src/NuGet.Config,required dotnet publish -c Release -o /out --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:8.0
COPY --from=build /out /app
ENTRYPOINT ["dotnet", "/app/App.dll"]
