module github.com/VictoriaMetrics/VictoriaMetrics

go 1.24
