# frontdoor: a small, non-root image. The build stage runs the same
# `make build` that developers and CI run.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN make build VERSION="$(git describe --tags --always 2>/dev/null || echo dev)"

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /src/bin/frontdoor /usr/local/bin/frontdoor
COPY config.example.yaml /etc/frontdoor/config.example.yaml
USER nonroot:nonroot
EXPOSE 8080 9090
ENTRYPOINT ["/usr/local/bin/frontdoor"]
CMD ["serve", "--config", "/etc/frontdoor/config.yaml"]
