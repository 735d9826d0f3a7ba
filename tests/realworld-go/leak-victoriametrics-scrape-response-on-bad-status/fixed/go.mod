module github.com/VictoriaMetrics/VictoriaMetrics

go 1.15

require github.com/valyala/fasthttp v1.16.0
