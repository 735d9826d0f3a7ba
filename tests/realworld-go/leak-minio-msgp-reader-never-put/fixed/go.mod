module github.com/minio/minio

go 1.19

require github.com/tinylib/msgp v1.1.8
