module github.com/coredns/coredns

go 1.24.0

require github.com/miekg/dns v1.1.68
