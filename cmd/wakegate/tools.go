package main

import (
	"context"
	"fmt"
	"io"

	"github.com/wakegate/wakegate/audiodev"
	"github.com/wakegate/wakegate/wakeword/train"
)

func init() {
	extraCommands = append(extraCommands,
		command{"devices", "list the audio capture and playback devices", devicesMain},
		command{"detect", "run wake-word files over WAV or FLAC files (readable, or the bench's JSON engine format)", train.DetectMain},
		command{"train", "train a speaker-independent wake-word model from folders of recordings", train.Main},
		command{"calibrate", "set a trained model's default threshold from hours of audio that must not wake it", train.CalibrateMain},
	)
}

func devicesMain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("devices", "devices [--backend alsa|pulse|null]", stderr)
	backend := fs.String("backend", "", "audio backend (default: PulseAudio, then ALSA)")
	if err := parse(fs, args); err != nil {
		return err
	}
	capt, play, err := audiodev.Devices(*backend)
	if err != nil {
		return err
	}
	list := func(title string, ds []audiodev.DeviceInfo) {
		fmt.Fprintln(stdout, title)
		if len(ds) == 0 {
			fmt.Fprintln(stdout, "  (none)")
		}
		for _, d := range ds {
			def := ""
			if d.Default {
				def = "  (default)"
			}
			fmt.Fprintf(stdout, "  %s%s\n", d.Name, def)
		}
	}
	list("capture:", capt)
	list("playback:", play)
	return nil
}
