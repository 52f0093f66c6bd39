package agent

import (
	"strings"
	"testing"
)

func TestParseEvents(t *testing.T) {
	tests := []struct {
		in      string
		want    []ScheduledControl
		wantErr string
	}{
		{in: "# comment\n\n1.5 button\n2 mute\n3.25 unmute\n4 cancel\n",
			want: []ScheduledControl{{24000, Button}, {32000, Mute}, {52000, Unmute}, {64000, Cancel}}},
		{in: "", want: nil},
		{in: "1 press\n", wantErr: `x.events:1: unknown event "press"`},
		{in: "abc button\n", wantErr: `x.events:1: bad time "abc"`},
		{in: "-1 button\n", wantErr: `bad time "-1"`},
		{in: "NaN button\n", wantErr: `bad time "NaN"`},
		{in: "2 mute\n1 unmute\n", wantErr: "x.events:2: time 1 is before the previous event"},
		{in: "1 mute now\n", wantErr: "x.events:1: want"},
	}
	for _, tt := range tests {
		got, err := ParseEvents(strings.NewReader(tt.in), "x.events")
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseEvents(%q) error = %v, want it to contain %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseEvents(%q): %v", tt.in, err)
			continue
		}
		if len(got) != len(tt.want) {
			t.Errorf("ParseEvents(%q) = %v, want %v", tt.in, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("ParseEvents(%q)[%d] = %v, want %v", tt.in, i, got[i], tt.want[i])
			}
		}
	}
}

func FuzzParseEvents(f *testing.F) {
	f.Add("1.5 button\n2 mute\n")
	f.Add("# x\n0 unmute")
	f.Fuzz(func(t *testing.T, s string) {
		evs, err := ParseEvents(strings.NewReader(s), "fuzz")
		if err != nil {
			return
		}
		for i, e := range evs {
			if e.Sample < 0 || e.Kind < Button || e.Kind > Unmute || (i > 0 && e.Sample < evs[i-1].Sample) {
				t.Fatalf("invalid event %d: %+v", i, e)
			}
		}
	})
}
