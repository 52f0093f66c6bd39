#!/bin/sh
# gen.sh regenerates the Go code for every .proto file under proto/ with
# pinned plugin versions, so that the committed output is reproducible.
# Needs protoc (Debian: apt-get install protobuf-compiler) and Go. The
# generated headers name the protoc version (3.21.12, Debian bookworm); a
# different protoc changes only that line.
set -eu

# Plugin versions match the protobuf and grpc modules pinned in go.mod.
PROTOC_GEN_GO=v1.36.12
PROTOC_GEN_GO_GRPC=v1.6.2

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
gobin=$(go env GOBIN)
[ -n "$gobin" ] || gobin=$(go env GOPATH)/bin

command -v protoc >/dev/null 2>&1 || { echo "proto/gen.sh: protoc not found (apt-get install protobuf-compiler)" >&2; exit 1; }

# Install the plugins only when the pinned version is not already there.
if ! "$gobin/protoc-gen-go" --version 2>/dev/null | grep -q " $PROTOC_GEN_GO\$"; then
	go install "google.golang.org/protobuf/cmd/protoc-gen-go@$PROTOC_GEN_GO"
fi
if ! "$gobin/protoc-gen-go-grpc" --version 2>/dev/null | grep -q " ${PROTOC_GEN_GO_GRPC#v}\$"; then
	go install "google.golang.org/grpc/cmd/protoc-gen-go-grpc@$PROTOC_GEN_GO_GRPC"
fi

cd "$here"
protoc -I . \
	--plugin=protoc-gen-go="$gobin/protoc-gen-go" \
	--plugin=protoc-gen-go-grpc="$gobin/protoc-gen-go-grpc" \
	--go_out="$root" --go_opt=module=github.com/wakegate/wakegate \
	--go-grpc_out="$root" --go-grpc_opt=module=github.com/wakegate/wakegate \
	wakegate/v1/wakegate.proto
