module github.com/valyala/fasthttp

go 1.18

require github.com/valyala/bytebufferpool v1.0.0
