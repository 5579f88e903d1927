# MeshLint in a container: built on the official Swift image, run on a minimal Debian as a
# non-root user, `meshlint` as the entrypoint.
#
#   docker build -t meshlint .
#   docker run --rm -v "$PWD:/work" -w /work meshlint scan .

FROM swift:6.3-bookworm AS build
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libyaml-dev libre2-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY scripts/release ./scripts/release
RUN install -D "$(scripts/release/build-linux /tmp/build)" /out/meshlint \
    && scripts/release/check-binary /out/meshlint

FROM debian:12-slim
# git: --changed-since and access diff --base read the repository's history.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends git ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --create-home --home-dir /home/meshlint meshlint \
    && git config --system --add safe.directory '*'
COPY --from=build /out/meshlint /usr/local/bin/meshlint
USER 10001
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/meshlint"]
CMD ["--help"]
