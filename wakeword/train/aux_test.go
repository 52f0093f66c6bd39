package train

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wakegate/wakegate/wakeword/nn"
)

// TestGradientAux checks backwardAux against central differences, for
// the network's parameters and the auxiliary heads' alike: the heads'
// error must reach the shared layers.
func TestGradientAux(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	c := smallConfig()
	c.Mels, c.Channels, c.Dilations = 6, 4, []int{1, 2}
	m := randomModel(r, c)
	const T, K = 20, 3
	x := make([]float32, T*c.Mels)
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	pa := make([]float32, auxLen(c, K))
	for i := range pa {
		pa[i] = float32(0.5 * r.NormFloat64())
	}
	w := make([]float32, T)
	wa := make([]float32, K*T)
	for _, v := range [][]float32{w, wa} {
		for i := range v {
			v[i] = float32(r.NormFloat64())
		}
	}
	net := newSeqNet(c)
	// A fixed linear loss of both kinds of logit keeps the check exact.
	loss := func() float64 {
		var s float64
		for i, v := range net.forward(m.Params, x) {
			s += float64(w[i] * v)
		}
		for i, v := range net.auxForward(pa, K) {
			s += float64(wa[i] * v)
		}
		return s
	}
	loss()
	g := make([]float32, len(m.Params))
	ga := make([]float32, len(pa))
	net.backwardAux(m.Params, g, w, pa, ga, wa)
	if n := checkGrad(t, "param", m.Params, g, 7, loss) + checkGrad(t, "aux", pa, ga, 1, loss); n < 20+len(pa) {
		t.Fatalf("only %d parameters checked", n)
	}
	// Without the heads, backwardAux is backward.
	g2 := make([]float32, len(m.Params))
	net.forward(m.Params, x)
	net.backward(m.Params, g2, w)
	g3 := make([]float32, len(m.Params))
	net.backwardAux(m.Params, g3, w, nil, nil, nil)
	if !slices.Equal(g2, g3) {
		t.Fatal("backwardAux without heads differs from backward")
	}
}

func TestParseAux(t *testing.T) {
	for _, tc := range []struct {
		specs []string
		names string // joined; "" with err
		err   string
	}{
		{[]string{"a=x", "b=y", "a=z"}, "a,b", ""},
		{[]string{" a =x*"}, "a", ""},
		{[]string{"x"}, "", "NAME=PATH"},
		{[]string{"=x"}, "", "NAME=PATH"},
		{[]string{"a="}, "", "NAME=PATH"},
		{func() (s []string) {
			for i := 0; i <= maxAuxWords; i++ {
				s = append(s, itoa(i)+"=d")
			}
			return
		}(), "", "at most"},
	} {
		names, paths, err := ParseAux(tc.specs)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want %q", tc.specs, err, tc.err)
			}
			continue
		}
		if err != nil || strings.Join(names, ",") != tc.names {
			t.Errorf("%q: %q, %v", tc.specs, names, err)
		}
		if tc.names == "a,b" && !slices.Equal(paths["a"], []string{"x", "z"}) {
			t.Errorf("a's paths %q", paths["a"])
		}
	}
}

// TestLoadAux splits one folder of two words by pattern, leaves out what
// the split holds out, and names the word whose pattern finds nothing.
func TestLoadAux(t *testing.T) {
	dir := t.TempDir()
	r := rand.New(rand.NewPCG(8, 9))
	var jarvis []string
	for i := 0; i < 24; i++ {
		for _, w := range []string{"jarvis", "snowboy"} {
			f := filepath.Join(dir, w+"_"+itoa(i)+".wav")
			writeWAV(t, f, synthWord(r, w == "jarvis"))
			if w == "jarvis" && !isValidation(f, 1, 25) {
				jarvis = append(jarvis, f)
			}
		}
	}
	os.WriteFile(filepath.Join(dir, "jarvis_notes.txt"), []byte("not audio"), 0o644)
	ws, err := LoadAux([]string{"jarvis=" + filepath.Join(dir, "jarvis_*"), "snowboy=" + filepath.Join(dir, "snowboy_*")}, 1, 25, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) != 2 || ws[0].Name != "jarvis" || ws[1].Name != "snowboy" {
		t.Fatalf("words %+v", ws)
	}
	var got []string
	for _, c := range ws[0].Clips {
		got = append(got, c.name)
	}
	slices.Sort(jarvis)
	if len(jarvis) == 24 || len(jarvis) == 0 || !slices.Equal(got, jarvis) {
		t.Fatalf("jarvis clips %q, want the %d the split trains on", got, len(jarvis))
	}
	for _, bad := range [][]string{
		{"view-glass=" + filepath.Join(dir, "view_glass_*")},
		{"x=" + filepath.Join(dir, "missing")},
		{"x=" + filepath.Join(dir, "[")},
	} {
		if _, err := LoadAux(bad, 1, 25, io.Discard); err == nil || !strings.Contains(err.Error(), "--aux") && !strings.Contains(err.Error(), "missing") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

// TestTrainAux trains with an auxiliary word through the command line:
// the model file holds the wake word's network only, the same size as
// without the word, and the run is reproducible.
func TestTrainAux(t *testing.T) {
	dir := t.TempDir()
	pos, neg := corpus(t, dir, 4, 8, 8)
	other := filepath.Join(dir, "other")
	os.MkdirAll(other, 0o755)
	r := rand.New(rand.NewPCG(10, 11))
	for i := 0; i < 8; i++ {
		writeWAV(t, filepath.Join(other, "o"+itoa(i)+".wav"), synthWord(r, false))
	}
	run := func(name string, extra ...string) *nn.Model {
		m, stderr := trainSmall(t, dir, pos, neg, name, extra...)
		if len(extra) > 0 && !strings.Contains(stderr, `auxiliary word "other"`) {
			t.Errorf("no auxiliary word reported: %q", stderr)
		}
		return m
	}
	plain := run("plain.wgm")
	a1 := run("a1.wgm", "--aux", "other="+other, "--aux-share", "0.5")
	a2 := run("a2.wgm", "--aux", "other="+other, "--aux-share", "0.5")
	if len(a1.Params) != len(plain.Params) {
		t.Fatalf("%d parameters with --aux, %d without", len(a1.Params), len(plain.Params))
	}
	if !slices.Equal(a1.Params, a2.Params) {
		t.Fatal("two runs with one seed differ")
	}
	if slices.Equal(a1.Params, plain.Params) {
		t.Fatal("--aux changed nothing")
	}
	if a3 := run("a3.wgm", "--aux", "other="+other, "--aux-share", "0.5", "--aux-weight", "2"); slices.Equal(a1.Params, a3.Params) {
		t.Fatal("--aux-weight changed nothing")
	}
	var so, se bytes.Buffer
	for _, bad := range [][]string{
		{"--aux", "other"},
		{"--aux", "other=" + filepath.Join(dir, "none_*")},
		{"--aux", "other=" + other, "--aux-share", "1"},
		{"--aux", "other=" + other, "--aux-share", "NaN"},
		{"--aux", "other=" + other, "--aux-weight", "0"},
		{"--aux", "other=" + other, "--aux-weight", "NaN"},
		{"--aux", "other=" + other, "--aux-weight", "11"},
	} {
		args := append([]string{"--word", "chirp", "--pos", pos, "--neg", neg, "--out", filepath.Join(dir, "bad.wgm"), "--quiet"}, bad...)
		if err := Main(context.Background(), args, &so, &se); err == nil || !strings.Contains(err.Error(), "--aux") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}
