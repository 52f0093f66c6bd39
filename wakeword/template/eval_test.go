package template

import (
	"flag"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/wakegate/wakegate/audio"
	"github.com/wakegate/wakegate/wakeword"
)

// The evaluation on real recordings (the Picovoice wake-word benchmark in
// /work/shared/data, see its README) is a development measurement: it
// reads the data in place and never copies it. Without -template.eval it
// runs a small smoke version so the suite stays fast.
var (
	evalFull = flag.Bool("template.eval", false, "evaluate on every alexa session and every negative recording")
	evalSess = flag.Int("template.sessions", 0, "evaluate on this many alexa sessions (0: 3, or all with -template.eval)")
	evalNeg  = flag.Int("template.negevery", 0, "use every n-th negative recording (0: 50, or 1 with -template.eval)")
	dataDir  = flag.String("template.data", "/work/shared/data/wake-word-benchmark", "wake-word benchmark directory")
)

// decodeFLAC decodes a 16 kHz recording with package audio, which
// reports damaged FLAC files (lost frames inside the word) as errors.
func decodeFLAC(path string) ([]int16, error) {
	return audio.LoadInt16(path, 16000)
}

// framesOf runs the live front end over a recording followed by 200 ms of
// silence (so the detector's look-ahead can finish at the end of a file).
func framesOf(s []int16) [][numDims]float64 {
	fe := newFrontend(defaultCMNFrames)
	var out [][numDims]float64
	hop := make([]int16, wakeword.HopSamples)
	n := len(s) + 200*16
	for off := 0; off < n; off += wakeword.HopSamples {
		clear(hop)
		if off < len(s) {
			copy(hop, s[off:])
		}
		if fe.push(hop) {
			out = append(out, fe.out)
		}
	}
	return out
}

// maxScore is the best score the detector reaches over frames (counting
// only alignments of plausible duration), and the number of detections at
// the template's default sensitivity.
func maxScore(tm *Template, frames [][numDims]float64) (best float64, dets int) {
	d, err := tm.NewDetector(wakeword.Options{})
	if err != nil {
		panic(err)
	}
	for n := range frames {
		det, ok := d.pushFrame(&frames[n], int64(n))
		if ok {
			dets++
		}
		_ = det
	}
	return d.maxSeen, dets
}

func TestEvalAlexa(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode")
	}
	alexaDir := filepath.Join(*dataDir, "alexa")
	if _, err := os.Stat(alexaDir); err != nil {
		t.Skip("no benchmark data:", err)
	}
	maxSessions, negEvery := 3, 50 // smoke: 3 sessions, 2% of the negatives
	if raceEnabled {
		maxSessions, negEvery = 1, 200
	}
	if *evalFull {
		maxSessions, negEvery = 1000, 1
	}
	if *evalSess > 0 {
		maxSessions = *evalSess
	}
	if *evalNeg > 0 {
		negEvery = *evalNeg
	}

	names, _ := filepath.Glob(filepath.Join(alexaDir, "*.flac"))
	num := func(p string) int { n, _ := strconv.Atoi(strings.TrimSuffix(filepath.Base(p), ".flac")); return n }
	sort.Slice(names, func(i, j int) bool { return num(names[i]) < num(names[j]) })
	// Sessions are four consecutive numbers, one speaker each.
	bySession := map[int][]string{}
	for _, p := range names {
		bySession[num(p)/4] = append(bySession[num(p)/4], p)
	}
	var sessions [][]string
	for k := 0; k < 1000 && len(sessions) < maxSessions; k++ {
		if len(bySession[k]) == 4 {
			sessions = append(sessions, bySession[k])
		}
	}

	negs, _ := filepath.Glob(filepath.Join(*dataDir, "negatives", "*", "*.flac"))
	slices.Sort(negs)
	var negFrames [][][numDims]float64
	var negSamples int
	var mu sync.Mutex
	parallel(len(negs)/negEvery, func(i int) {
		s, err := decodeFLAC(negs[i*negEvery])
		if err != nil {
			return
		}
		f := framesOf(s)
		mu.Lock()
		negFrames = append(negFrames, f)
		negSamples += len(s)
		mu.Unlock()
	})
	negHours := float64(negSamples) / 16000 / 3600

	// Each session: enroll on three recordings, test the fourth, rotating
	// so that every recording is held out once.
	type trial struct {
		posScore float64
		posHit   bool
		negMax   []float64 // best score per negative file
		negDets  int
		thr      float64
	}
	var trials []trial
	failures := map[string]int{}
	damaged := 0
	for _, sess := range sessions {
		var audio [][]int16
		for _, p := range sess {
			s, err := decodeFLAC(p)
			if err != nil {
				damaged++
				t.Logf("skip %v", err)
			}
			audio = append(audio, s)
		}
		for hold := range sess {
			if audio[hold] == nil {
				continue
			}
			var exs [][]int16
			for i, a := range audio {
				if i != hold && a != nil {
					exs = append(exs, a)
				}
			}
			if len(exs) < 3 {
				continue // a damaged recording: not an enrollment failure
			}
			tm, err := Enroll("alexa", exs, EnrollOptions{})
			if err != nil {
				msg := err.Error()
				if i := strings.LastIndex(msg, ": "); i > 0 && strings.Contains(msg, "example") {
					msg = msg[i+2:]
				}
				failures[strings.Fields(msg)[0]]++
				t.Logf("%s held out: %v", filepath.Base(sess[hold]), err)
				continue
			}
			tr := trial{thr: tm.Threshold()}
			defer func() {
				if tr.negMax != nil {
					sorted := slices.Sorted(slices.Values(tr.negMax))
					t.Logf("%s: threshold %.2f held-out %.2f frames %v pos score %.2f neg scores max %.2f p99 %.2f p90 %.2f median %.2f, detections %d", filepath.Base(sess[hold]), tr.thr, tm.HeldOut(), tm.Frames(), tr.posScore,
						sorted[len(sorted)-1], sorted[len(sorted)*99/100], sorted[len(sorted)*9/10], sorted[len(sorted)/2], tr.negDets)
				}
			}()
			tr.posScore, _ = maxScore(tm, framesOf(audio[hold]))
			_, hits := maxScore(tm, framesOf(audio[hold]))
			tr.posHit = hits > 0
			// Negatives only for the first rotation of a session: the
			// templates of one session are too alike to be separate trials.
			if hold == len(sess)-1 {
				tr.negMax = make([]float64, len(negFrames))
				var nd int
				parallel(len(negFrames), func(i int) {
					s, d := maxScore(tm, negFrames[i])
					mu.Lock()
					tr.negMax[i], nd = s, nd+d
					mu.Unlock()
				})
				tr.negDets = nd
			}
			trials = append(trials, tr)
		}
	}
	if len(trials) == 0 {
		t.Fatalf("no enrollment succeeded: %v", failures)
	}

	// Report detection and false alarms at several sensitivities; a
	// detection at sensitivity s means score >= 1-s.
	t.Logf("%d sessions, %d trials, enrollment failures %v, damaged files %d; negatives: %d files, %.2f h",
		len(sessions), len(trials), failures, damaged, len(negFrames), negHours)
	var negTemplates int
	for _, tr := range trials {
		if tr.negMax != nil {
			negTemplates++
		}
	}
	for _, sens := range []float64{0.3, 0.4, 0.5, 0.6, 0.7} {
		hit, fa := 0, 0
		for _, tr := range trials {
			if tr.posScore >= 1-sens {
				hit++
			}
			for _, s := range tr.negMax {
				if s >= 1-sens {
					fa++
				}
			}
		}
		t.Logf("sensitivity %.1f: held-out detected %d/%d (%.1f%%), false-alarm files %d over %d templates × %d files (%.2f per template-hour)",
			sens, hit, len(trials), 100*float64(hit)/float64(len(trials)), fa, negTemplates, len(negFrames),
			float64(fa)/float64(max(negTemplates, 1))/math.Max(negHours, 1e-9))
	}
	// Separability, independent of the threshold rule: how many held-out
	// recordings score above the best-scoring 1% (0.1%) of negative files.
	var pooled []float64
	for _, tr := range trials {
		pooled = append(pooled, tr.negMax...)
	}
	if len(pooled) > 0 {
		slices.Sort(pooled)
		for _, q := range []float64{0.99, 0.999} {
			cut := pooled[min(int(q*float64(len(pooled))), len(pooled)-1)]
			hit := 0
			for _, tr := range trials {
				if tr.posScore > cut {
					hit++
				}
			}
			t.Logf("score above the negatives' %.1f%% quantile (%.3f): %d/%d held-out (%.1f%%)", 100*q, cut, hit, len(trials), 100*float64(hit)/float64(len(trials)))
		}
	}
	hits, negDets := 0, 0
	for _, tr := range trials {
		if tr.posHit {
			hits++
		}
		negDets += tr.negDets
	}
	t.Logf("detector at default sensitivity: %d/%d held-out detected, %d false alarms (%.2f per template-hour)",
		hits, len(trials), negDets, float64(negDets)/float64(max(negTemplates, 1))/math.Max(negHours, 1e-9))
	// Loose sanity bounds, not tuned figures: a personal template must
	// find most of its owner's own recordings and must not fire on most
	// other speech.
	if hits*2 < len(trials) {
		t.Errorf("held-out detection %d/%d below half", hits, len(trials))
	}
	if negTemplates > 0 && len(negFrames) > 0 && negDets*4 > negTemplates*len(negFrames) {
		t.Errorf("%d false alarms over %d templates × %d negative files: more than a quarter", negDets, negTemplates, len(negFrames))
	}
}

// parallel runs f(0..n-1) on all CPUs.
func parallel(n int, f func(i int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				f(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}
