# Static release binaries with the cgo SQLite driver inside.
# amd64 with the host gcc; for the Raspberry Pi, arm64 (64-bit Pi OS) with Debian's
# gcc-aarch64-linux-gnu and armv7 (32-bit Pi OS) with gcc-arm-linux-gnueabihf.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
TAGS    := netgo osusergo sqlite_omit_load_extension
LDFLAGS := -s -w -X coin/cli.version=$(VERSION) -linkmode external -extldflags '-static'
LDFLAGS_ARMV7 := -s -w -X coin/cli.version=$(VERSION) -linkmode external -extldflags '-static -fuse-ld=gold'

.PHONY: release test generate check clean

release: dist/coin-linux-amd64 dist/coin-linux-arm64 dist/coin-linux-armv7

dist/coin-linux-amd64: FORCE
	CGO_ENABLED=1 GOOS=linux GOARCH=amd64 CC=gcc go build -trimpath -tags '$(TAGS)' -ldflags "$(LDFLAGS)" -o $@ .

dist/coin-linux-arm64: FORCE
	CGO_ENABLED=1 GOOS=linux GOARCH=arm64 CC=aarch64-linux-gnu-gcc go build -trimpath -tags '$(TAGS)' -ldflags "$(LDFLAGS)" -o $@ .

# armv7 links with gold: once the text passed 16 MiB, ld.bfd wrote static glibc's IRELATIVE
# resolvers (memchr, memcpy) without the Thumb bit and the binary died before main.
dist/coin-linux-armv7: FORCE
	CGO_ENABLED=1 GOOS=linux GOARCH=arm GOARM=7 CC=arm-linux-gnueabihf-gcc go build -trimpath -tags '$(TAGS)' -ldflags "$(LDFLAGS_ARMV7)" -o $@ .

test:
	go test -race ./...

generate:
	go tool templ generate

check:
	test -z "$$(gofmt -l $$(git ls-files '*.go'))"
	go vet ./...
	go tool staticcheck ./...

clean:
	rm -rf dist

FORCE:
