package wakeword

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"strings"
	"testing"
)

func container(t testing.TB, kind string, version uint16, payload []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteContainer(&buf, kind, version, payload); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestContainerRoundTrip(t *testing.T) {
	t.Parallel()
	for _, p := range [][]byte{nil, {}, []byte("x"), bytes.Repeat([]byte{0xA5}, 100000)} {
		b := container(t, "TMPL", 7, p)
		if got, want := len(b), headerSize+len(p)+crcSize; got != want {
			t.Errorf("container of %d bytes: length %d, want %d", len(p), got, want)
		}
		r := bytes.NewReader(append(b, "next"...))
		kind, ver, payload, err := ReadContainer(r)
		if err != nil {
			t.Fatalf("ReadContainer: %v", err)
		}
		if kind != "TMPL" || ver != 7 || !bytes.Equal(payload, p) {
			t.Errorf("got %q v%d %d bytes, want TMPL v7 %d bytes", kind, ver, len(payload), len(p))
		}
		// The reader must stop exactly at the end of the container.
		if r.Len() != len("next") {
			t.Errorf("ReadContainer left %d bytes, want %d", r.Len(), len("next"))
		}
	}
}

// TestContainerLayout pins the byte layout so that files written by one
// build stay readable by the next.
func TestContainerLayout(t *testing.T) {
	t.Parallel()
	b := container(t, "NNET", 0x0102, []byte{9, 8, 7})
	want := []byte("WAKEGATENNET\x02\x01\x03\x00\x00\x00\x00\x00\x00\x00\x09\x08\x07")
	if !bytes.Equal(b[:len(want)], want) {
		t.Fatalf("header % x, want % x", b[:len(want)], want)
	}
	if got, want := binary.LittleEndian.Uint32(b[len(want):]), crc32.ChecksumIEEE(want); got != want {
		t.Errorf("crc %08x, want %08x", got, want)
	}
}

func TestReadContainerErrors(t *testing.T) {
	t.Parallel()
	good := container(t, "TMPL", 1, []byte("payload bytes"))
	flip := func(i int) []byte {
		b := bytes.Clone(good)
		b[i] ^= 0x40
		return b
	}
	huge := bytes.Clone(good)
	binary.LittleEndian.PutUint64(huge[14:22], MaxPayload+1)
	tests := []struct {
		name string
		in   []byte
		is   error
		msg  string
	}{
		{"empty", nil, ErrNotWakeword, "wakeword: not a wakegate wake-word file"},
		{"wav", []byte("RIFF\x24\x00\x00\x00WAVEfmt "), ErrNotWakeword, "not a wakegate wake-word file"},
		{"magic prefix only", []byte("WAKE"), ErrTruncated, "truncated (4 of at least 26 bytes)"},
		{"short header", good[:20], ErrTruncated, "truncated (20 of at least 26 bytes)"},
		{"short payload", good[:30], ErrTruncated, "truncated (30 of 39 bytes)"},
		{"missing crc", good[:len(good)-1], ErrTruncated, "truncated (38 of 39 bytes)"},
		{"bad kind", append([]byte("WAKEGATE\x00\x01\x02\x03"), good[12:]...), ErrNotWakeword, "kind"},
		{"payload flipped", flip(25), ErrChecksum, "checksum mismatch (file corrupted)"},
		{"version flipped", flip(12), ErrChecksum, "checksum mismatch"},
		{"crc flipped", flip(len(good) - 1), ErrChecksum, "checksum mismatch"},
		{"too large", huge, ErrTooLarge, "limit 67108864"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, _, err := ReadContainer(bytes.NewReader(tt.in))
			if !errors.Is(err, tt.is) {
				t.Fatalf("err = %v, want %v", err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.msg) || !strings.HasPrefix(err.Error(), "wakeword: ") {
				t.Errorf("err = %q, want it to contain %q", err, tt.msg)
			}
		})
	}
}

func TestWriteContainerBadKind(t *testing.T) {
	t.Parallel()
	for _, k := range []string{"", "TMP", "TMPLX", "TM L", "TM\x00L"} {
		if err := WriteContainer(&bytes.Buffer{}, k, 1, nil); err == nil {
			t.Errorf("WriteContainer(kind %q) succeeded", k)
		}
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteContainerWriteError(t *testing.T) {
	t.Parallel()
	err := WriteContainer(failWriter{}, "TMPL", 1, []byte("x"))
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("err = %v, want the writer's error", err)
	}
}

func TestVersionError(t *testing.T) {
	t.Parallel()
	err := error(&VersionError{Kind: "TMPL", Version: 3, Supported: 1})
	if got, want := err.Error(), "unsupported TMPL version 3 (this build reads 1)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(err, ErrUnsupportedVersion) {
		t.Error("VersionError does not match ErrUnsupportedVersion")
	}
}

func FuzzReadContainer(f *testing.F) {
	f.Add(container(f, "TMPL", 1, []byte("seed payload")))
	f.Add(container(f, "NNET", 2, nil))
	f.Add([]byte("WAKEGATE"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, in []byte) {
		kind, ver, payload, err := ReadContainer(bytes.NewReader(in))
		if err != nil {
			if kind != "" || payload != nil {
				t.Fatalf("error %v with results %q %d", err, kind, len(payload))
			}
			return
		}
		// Whatever parses must re-encode to the same bytes.
		out := container(t, kind, ver, payload)
		if !bytes.Equal(out, in[:len(out)]) {
			t.Fatalf("re-encoding differs")
		}
	})
}
