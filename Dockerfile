# Build: the SDK image restores, builds front-end assets (when Triton.Web has a package.json) and publishes.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/*
COPY . .
RUN if [ -f Triton.Web/package.json ]; then cd Triton.Web && npm ci --no-audit --no-fund; fi
RUN dotnet publish Triton.Web -c Release -o /app --nologo

# Run: the ASP.NET Core runtime only, as a non-root user, data in the /data volume.
FROM mcr.microsoft.com/dotnet/aspnet:10.0
# The aspnet image has no HTTP client; curl serves the HEALTHCHECK.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system triton && useradd --system --gid triton --home-dir /data triton \
    && mkdir -p /data && chown triton:triton /data
WORKDIR /app
COPY --from=build /app .
ENV ASPNETCORE_URLS=http://+:8080 \
    Triton__DataDirectory=/data \
    DOTNET_CLI_TELEMETRY_OPTOUT=1
VOLUME /data
EXPOSE 8080
USER triton
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8080/health || exit 1
ENTRYPOINT ["dotnet", "Triton.Web.dll"]
