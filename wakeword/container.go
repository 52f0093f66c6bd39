package wakeword

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

// Container layout (all integers little-endian):
//
//	offset  size  field
//	0       8     magic "WAKEGATE"
//	8       4     kind, 4 ASCII characters ("TMPL", "NNET")
//	12      2     format version of the kind (uint16)
//	14      8     payload length n (uint64)
//	22      n     payload
//	22+n    4     CRC-32 (IEEE) of bytes 0 .. 22+n-1
const (
	magic      = "WAKEGATE"
	headerSize = 8 + 4 + 2 + 8
	crcSize    = 4
)

// MaxPayload bounds what ReadContainer accepts, so that a corrupt or
// hostile length field cannot make the device allocate without limit.
// 64 MiB is far above any model a Raspberry Pi wake-word path should run.
const MaxPayload = 64 << 20

// Errors reported by ReadContainer, Load and the kind loaders. Match them
// with errors.Is; the messages carry the details (file name, sizes).
var (
	ErrNotWakeword        = errors.New("not a wakegate wake-word file")
	ErrTruncated          = errors.New("truncated")
	ErrChecksum           = errors.New("checksum mismatch (file corrupted)")
	ErrTooLarge           = errors.New("payload too large")
	ErrUnknownKind        = errors.New("unknown wake-word file kind")
	ErrUnsupportedVersion = errors.New("unsupported version")
)

// VersionError is what a kind loader returns for a format version it
// cannot read: "unsupported TMPL version 3 (this build reads 1)". It
// matches ErrUnsupportedVersion.
type VersionError struct {
	Kind      string
	Version   uint16 // found in the file
	Supported uint16 // the newest this build reads
}

func (e *VersionError) Error() string {
	return fmt.Sprintf("unsupported %s version %d (this build reads %d)", e.Kind, e.Version, e.Supported)
}

// Is makes errors.Is(err, ErrUnsupportedVersion) true.
func (e *VersionError) Is(target error) bool { return target == ErrUnsupportedVersion }

// validKind reports whether kind is 4 printable ASCII characters without
// spaces, so that it prints cleanly in error messages and listings.
func validKind(kind string) bool {
	if len(kind) != 4 {
		return false
	}
	for i := 0; i < len(kind); i++ {
		if kind[i] <= ' ' || kind[i] > '~' {
			return false
		}
	}
	return true
}

// WriteContainer writes payload as a wake-word file of the given kind and
// format version. kind must be 4 printable ASCII characters.
func WriteContainer(w io.Writer, kind string, version uint16, payload []byte) error {
	if !validKind(kind) {
		return fmt.Errorf("wakeword: kind %q is not 4 printable ASCII characters", kind)
	}
	if len(payload) > MaxPayload {
		return fmt.Errorf("wakeword: %w: %d bytes (limit %d)", ErrTooLarge, len(payload), MaxPayload)
	}
	var hdr [headerSize]byte
	copy(hdr[:8], magic)
	copy(hdr[8:12], kind)
	binary.LittleEndian.PutUint16(hdr[12:14], version)
	binary.LittleEndian.PutUint64(hdr[14:22], uint64(len(payload)))
	h := crc32.NewIEEE()
	h.Write(hdr[:])
	h.Write(payload)
	var sum [crcSize]byte
	binary.LittleEndian.PutUint32(sum[:], h.Sum32())
	for _, b := range [][]byte{hdr[:], payload, sum[:]} {
		if _, err := w.Write(b); err != nil {
			return fmt.Errorf("wakeword: write: %w", err)
		}
	}
	return nil
}

// ReadContainer reads one wake-word file from r and checks its magic,
// length and checksum. It reads exactly the container's bytes and refuses
// payloads larger than MaxPayload before reading them.
func ReadContainer(r io.Reader) (kind string, version uint16, payload []byte, err error) {
	return readContainer(r, "")
}

// where formats the file part of an error message.
func where(name string) string {
	if name == "" {
		return "wakeword: "
	}
	return "wakeword: " + name + ": "
}

func readContainer(r io.Reader, name string) (kind string, version uint16, payload []byte, err error) {
	var hdr [headerSize]byte
	n, err := io.ReadFull(r, hdr[:])
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", 0, nil, fmt.Errorf("%sread: %w", where(name), err)
	}
	// A short file that does not even start like ours is foreign, not
	// truncated: compare what we have of the magic first.
	m := min(n, len(magic))
	if !bytes.Equal(hdr[:m], []byte(magic)[:m]) || n == 0 {
		return "", 0, nil, fmt.Errorf("%s%w", where(name), ErrNotWakeword)
	}
	if n < headerSize {
		return "", 0, nil, fmt.Errorf("%s%w (%d of at least %d bytes)", where(name), ErrTruncated, n, headerSize+crcSize)
	}
	kind = string(hdr[8:12])
	version = binary.LittleEndian.Uint16(hdr[12:14])
	plen := binary.LittleEndian.Uint64(hdr[14:22])
	if !validKind(kind) {
		return "", 0, nil, fmt.Errorf("%s%w (kind %q)", where(name), ErrNotWakeword, kind)
	}
	if plen > MaxPayload {
		return "", 0, nil, fmt.Errorf("%s%w: %d bytes (limit %d)", where(name), ErrTooLarge, plen, MaxPayload)
	}
	total := int64(headerSize) + int64(plen) + crcSize
	// Read through a LimitReader into a growing buffer rather than
	// allocating plen up front: a truncated file claiming 60 MiB then
	// costs only what it really holds.
	var buf bytes.Buffer
	got, err := io.Copy(&buf, io.LimitReader(r, int64(plen)+crcSize))
	if err != nil {
		return "", 0, nil, fmt.Errorf("%sread: %w", where(name), err)
	}
	if got < int64(plen)+crcSize {
		return "", 0, nil, fmt.Errorf("%s%w (%d of %d bytes)", where(name), ErrTruncated, int64(headerSize)+got, total)
	}
	body := buf.Bytes()
	payload, sum := body[:plen], body[plen:]
	h := crc32.NewIEEE()
	h.Write(hdr[:])
	h.Write(payload)
	if h.Sum32() != binary.LittleEndian.Uint32(sum) {
		return "", 0, nil, fmt.Errorf("%s%w", where(name), ErrChecksum)
	}
	return kind, version, payload[:plen:plen], nil
}
