package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/wakegate/wakegate/agent"
	"github.com/wakegate/wakegate/alarm"
	"github.com/wakegate/wakegate/config"
)

const defaultConfigHint = config.DefaultPath + " if it exists, else the built-in defaults"

// loadConfig reads path, or the default path if it exists, or the defaults.
func loadConfig(path string) (config.Config, error) {
	if path == "" {
		if _, err := os.Stat(config.DefaultPath); errors.Is(err, fs.ErrNotExist) {
			return config.Default(), nil
		}
		path = config.DefaultPath
	}
	return config.Load(path)
}

// resolveWakeWords finds each wake-word file: as given, else (for a bare
// default install path) in ./models or next to the binary, so that a
// checkout runs without `make install`.
func resolveWakeWords(files []string) ([]string, error) {
	out := make([]string, len(files))
	for i, f := range files {
		out[i] = f
		if _, err := os.Stat(f); err == nil {
			continue
		}
		base := filepath.Base(f)
		cands := []string{filepath.Join("models", base)}
		if exe, err := os.Executable(); err == nil {
			cands = append(cands, filepath.Join(filepath.Dir(exe), "..", "models", base))
		}
		found := false
		for _, c := range cands {
			if _, err := os.Stat(c); err == nil {
				out[i], found = c, true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("wake-word file %s not found (install the models with `make install`, or pass --wakeword FILE; `wakegate enroll` makes a personal one)", f)
		}
	}
	return out, nil
}

// gateConfig maps the configuration onto the gate's.
func gateConfig(c config.Config) agent.Config {
	return agent.Config{
		DeviceID:        c.DeviceID,
		Preroll:         c.Gate.Preroll.Duration,
		EndpointSilence: c.Gate.EndpointSilence.Duration,
		NoSpeechTimeout: c.Gate.NoSpeechTimeout.Duration,
		MaxUtterance:    c.Gate.MaxUtterance.Duration,
		FollowUpMax:     c.Gate.FollowUpMax.Duration,
	}
}

// sidecars returns the audio-free detectors the configuration enables.
func sidecars(c config.Config) []agent.Sidecar {
	if !c.Alarm.Enabled {
		return nil
	}
	return []agent.Sidecar{agent.AlarmSidecar(alarm.New(alarm.DefaultConfig()))}
}
