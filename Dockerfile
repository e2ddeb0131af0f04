# The lmibench image: the static binary on a distroless base, for the shard
# recipes of deploy/ (Kubernetes Indexed Jobs, AWS Batch on Fargate).
#
#   docker build -t lmibench .
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# CGO off: a static binary that runs on any base.
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/lmibench .

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/lmibench /lmibench
WORKDIR /work
ENTRYPOINT ["/lmibench"]
