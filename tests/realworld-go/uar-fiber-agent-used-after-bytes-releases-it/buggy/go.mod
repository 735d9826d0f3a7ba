module github.com/gofiber/fiber/v2

go 1.14

require github.com/valyala/fasthttp v1.39.0
