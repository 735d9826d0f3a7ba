module github.com/m3db/m3

go 1.12

require github.com/jhump/protoreflect v1.5.0
