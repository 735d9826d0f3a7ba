module github.com/thomasjungblut/go-sstables

go 1.22

require github.com/libp2p/go-buffer-pool v0.1.0
