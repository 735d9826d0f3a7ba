module github.com/cortexproject/cortex

go 1.12
