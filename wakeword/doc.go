// Package wakeword defines what every wake-word engine in Wakegate looks
// like to the rest of the device: a [Detector] fed 10 ms hops of 16 kHz
// audio that reports [Detection]s, a small self-checking container file
// format shared by every model kind ([WriteContainer], [ReadContainer]),
// and a registry that maps a file's kind to the package that loads it
// ([Register], [Load], [LoadAll]).
//
// Implementations live in sub-packages and register themselves in init:
// wakeword/template (personal templates enrolled on the device, kind
// "TMPL") and wakeword/nn (a trained model, kind "NNET"). A program that
// wants to load a kind imports its package, usually blank:
//
//	import _ "github.com/wakegate/wakegate/wakeword/template"
//
//	det, err := wakeword.LoadAll([]string{"computer.tmpl"}, wakeword.Options{})
//	for hop := range hops { // 160 samples each
//		if d, ok := det.Push(hop); ok { … }
//	}
//
// Detections are the only thing that leaves this package; audio never does.
package wakeword
