module github.com/mozilla-services/go-syncstorage

go 1.7

require github.com/sirupsen/logrus v0.11.0
