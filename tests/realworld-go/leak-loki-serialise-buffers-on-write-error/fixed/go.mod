module github.com/grafana/loki

go 1.13

require (
	github.com/klauspost/compress v1.9.4
	github.com/pkg/errors v0.8.1
)
