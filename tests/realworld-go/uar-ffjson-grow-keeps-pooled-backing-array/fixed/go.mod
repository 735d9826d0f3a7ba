module github.com/pquerna/ffjson

go 1.7
