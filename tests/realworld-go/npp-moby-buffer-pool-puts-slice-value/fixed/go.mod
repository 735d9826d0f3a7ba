module github.com/docker/docker

go 1.13
