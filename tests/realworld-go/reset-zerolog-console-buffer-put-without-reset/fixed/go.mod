module github.com/rs/zerolog
