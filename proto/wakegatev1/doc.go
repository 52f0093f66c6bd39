// Package wakegatev1 is the Go code generated from
// proto/wakegate/v1/wakegate.proto: the messages and the VoiceService client
// and server stubs of Wakegate's upstream protocol. Regenerate it with
// `go generate ./proto` (proto/gen.sh); only this doc.go is written by hand.
package wakegatev1
