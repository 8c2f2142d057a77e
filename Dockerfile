# archiver in a container, built from this repository's own files:
#   docker build -t archiver .
#   docker run --rm -v "$PWD/data:/data" archiver crawl tamky --max-pages 100
#   docker build -t archiver-datasette --build-arg EXTRAS=datasette .
FROM python:3.11-slim AS build

ARG EXTRAS=""
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
# One venv holding archiver and its dependencies, copied whole into the runtime image.
RUN python -m venv /opt/archiver \
    && /opt/archiver/bin/pip install --no-cache-dir ".${EXTRAS:+[$EXTRAS]}"

FROM python:3.11-slim

RUN useradd --create-home --uid 1000 archiver \
    && mkdir /data \
    && chown archiver:archiver /data
COPY --from=build /opt/archiver /opt/archiver
ENV PATH=/opt/archiver/bin:$PATH \
    ARCHIVER_DB=/data/archive.db \
    PYTHONUNBUFFERED=1
WORKDIR /data
USER 1000:1000
VOLUME ["/data"]
ENTRYPOINT ["archiver"]
CMD ["--help"]
