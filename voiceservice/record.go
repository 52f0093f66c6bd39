package voiceservice

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Trigger, end and stop reason names as stored in Record.
const (
	TriggerWakeWord = "wakeword"
	TriggerButton   = "button"
	TriggerFollowUp = "followup"

	EndServiceStop = "service_stop"
	EndEndpoint    = "endpoint"
	EndTimeout     = "timeout"
	EndMuted       = "muted"
	EndCancelled   = "cancelled"
	EndError       = "error"

	StopEndOfSpeech = "end_of_speech"
	StopFalseWake   = "false_wake"
	StopOther       = "other"
)

// Record is the metadata of one interaction, as stored in <id>.json.
type Record struct {
	ID                string    `json:"id"`
	DeviceID          string    `json:"device_id"`
	Trigger           string    `json:"trigger"`             // TriggerWakeWord, TriggerButton or TriggerFollowUp
	WakeWord          string    `json:"wake_word,omitempty"` // wake-word streams only
	WakeStart         int64     `json:"wake_start_sample"`   // within the streamed audio
	WakeEnd           int64     `json:"wake_end_sample"`     // one past the last wake-word sample
	PrerollMs         int       `json:"preroll_ms"`
	DeviceStartSample int64     `json:"device_start_sample"` // stream start on the device's capture timeline
	SampleRate        int       `json:"sample_rate"`
	NumSamples        int64     `json:"samples"` // audio samples received (and stored in the WAV)
	Bytes             int64     `json:"bytes"`   // PCM bytes received
	Chunks            int64     `json:"chunks"`
	EndReason         string    `json:"end_reason,omitempty"` // the device's End reason; empty if none arrived
	EndDetail         string    `json:"end_detail,omitempty"`
	StopReason        string    `json:"stop_reason,omitempty"` // the service's StopCapture reason, if sent
	StopSample        int64     `json:"stop_sample,omitempty"` // end of the 10 ms hop on which the service decided to stop
	Verified          *Verified `json:"verified,omitempty"`    // second wake-word check, if one ran
	ExpectSpeechMs    int64     `json:"expect_speech_ms,omitempty"`
	Error             string    `json:"error,omitempty"` // why the stream failed, if it did
	Started           time.Time `json:"started"`
	Ended             time.Time `json:"ended"`

	// Samples is the received audio. It is kept in memory for the most
	// recent interactions only (Config.KeepInMemory), for tests; List does
	// not load it.
	Samples []int16 `json:"-"`
}

// Verified is the outcome of the second wake-word check.
type Verified struct {
	OK    bool    `json:"ok"`
	Score float64 `json:"score"`
}

// idPattern is what interaction ids may look like: safe as file names.
var idPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,128}$`)

func validID(id string) bool {
	return idPattern.MatchString(id) && id != "." && id != ".."
}

// wavHeaderBytes is the size of a canonical RIFF/WAVE PCM header.
const wavHeaderBytes = 44

// encodeWAV returns a 16-bit mono PCM WAV file of samples at rate.
func encodeWAV(samples []int16, rate int) []byte {
	var b bytes.Buffer
	data := uint32(2 * len(samples))
	b.Grow(wavHeaderBytes + int(data))
	w := func(v any) { _ = binary.Write(&b, binary.LittleEndian, v) } // bytes.Buffer writes never fail
	b.WriteString("RIFF")
	w(uint32(36) + data) // RIFF size: the rest of the header (36 bytes) plus data
	b.WriteString("WAVEfmt ")
	w(uint32(16))       // fmt chunk size for PCM
	w(uint16(1))        // format: PCM
	w(uint16(1))        // channels
	w(uint32(rate))     // sample rate
	w(uint32(2 * rate)) // byte rate
	w(uint16(2))        // block align
	w(uint16(16))       // bits per sample
	b.WriteString("data")
	w(data)
	w(samples)
	return b.Bytes()
}

// writeFileAtomic writes data to path via a temporary file and a rename, so
// that readers never see half a file.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}

// store writes rec's WAV, then its JSON (whose presence marks the record
// complete).
func store(dir string, rec *Record) error {
	if err := writeFileAtomic(filepath.Join(dir, rec.ID+".wav"), encodeWAV(rec.Samples, rec.SampleRate)); err != nil {
		return fmt.Errorf("voiceservice: store %s: %w", rec.ID, err)
	}
	js, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return fmt.Errorf("voiceservice: store %s: %w", rec.ID, err)
	}
	if err := writeFileAtomic(filepath.Join(dir, rec.ID+".json"), append(js, '\n')); err != nil {
		return fmt.Errorf("voiceservice: store %s: %w", rec.ID, err)
	}
	return nil
}

// ListDir reads the metadata of every interaction stored in dir, oldest
// first.
func ListDir(dir string) ([]Record, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, fmt.Errorf("voiceservice: list %s: %w", dir, err)
	}
	recs := make([]Record, 0, len(names))
	for _, name := range names {
		if strings.HasPrefix(filepath.Base(name), ".") {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("voiceservice: list: %w", err)
		}
		var r Record
		if err := json.Unmarshal(b, &r); err != nil {
			return nil, fmt.Errorf("voiceservice: list: %s: %w", name, err)
		}
		recs = append(recs, r)
	}
	sort.SliceStable(recs, func(i, j int) bool {
		if !recs[i].Started.Equal(recs[j].Started) {
			return recs[i].Started.Before(recs[j].Started)
		}
		return recs[i].ID < recs[j].ID
	})
	return recs, nil
}

// DeleteDir removes interaction id (its WAV and JSON) from dir. It returns
// an error wrapping fs.ErrNotExist when neither file exists.
func DeleteDir(dir, id string) error {
	if !validID(id) {
		return fmt.Errorf("voiceservice: delete: invalid interaction id %q", id)
	}
	found := false
	for _, ext := range []string{".json", ".wav"} {
		err := os.Remove(filepath.Join(dir, id+ext))
		switch {
		case err == nil:
			found = true
		case !errors.Is(err, fs.ErrNotExist):
			return fmt.Errorf("voiceservice: delete: %w", err)
		}
	}
	if !found {
		return fmt.Errorf("voiceservice: delete %s: %w", id, fs.ErrNotExist)
	}
	return nil
}

// pruneDir deletes interactions in dir that ended before cutoff, and WAV
// files without metadata (left by a crash) last modified before it. It
// returns the ids deleted.
func pruneDir(dir string, cutoff time.Time) ([]string, error) {
	recs, err := ListDir(dir)
	if err != nil {
		return nil, err
	}
	var gone []string
	have := map[string]bool{}
	for _, r := range recs {
		have[r.ID] = true
		if r.Ended.Before(cutoff) && validID(r.ID) {
			if err := DeleteDir(dir, r.ID); err != nil {
				return gone, err
			}
			gone = append(gone, r.ID)
		}
	}
	wavs, err := filepath.Glob(filepath.Join(dir, "*.wav"))
	if err != nil {
		return gone, fmt.Errorf("voiceservice: prune: %w", err)
	}
	for _, w := range wavs {
		id := strings.TrimSuffix(filepath.Base(w), ".wav")
		if have[id] {
			continue
		}
		if fi, err := os.Stat(w); err == nil && fi.ModTime().Before(cutoff) {
			if err := os.Remove(w); err != nil {
				return gone, fmt.Errorf("voiceservice: prune: %w", err)
			}
			gone = append(gone, id)
		}
	}
	return gone, nil
}
