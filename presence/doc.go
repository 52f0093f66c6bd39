// Package presence detects people moving near the device with a
// near-ultrasonic pilot tone: the speaker plays a steady low-level tone
// (default 20 kHz, see PilotTone), the microphone captures at 48 kHz, and a
// moving body reflects the tone with a Doppler shift of 2·v·f/c (about
// 12 Hz per 0.1 m/s at 20 kHz), while walls and furniture reflect it
// unshifted.
//
// The Detector mixes the capture down around the pilot (complex
// heterodyne, Kaiser-windowed low-pass, decimation to about 2 kHz complex
// baseband), and every 50 ms takes a 512-point (0.256 s) Blackman-Harris
// spectrum. Static echoes stay at DC; the Doppler band (default 20–300 Hz
// either side of the carrier) collects motion; a reference band further out
// (450–750 Hz) measures broadband disturbances (clicks, jingling keys,
// ultrasonic hiss) so that they do not pass for motion. Both are normalised
// by the carrier power, so the pilot level and the speaker's volume do not
// matter, and compared with adaptive noise floors. Hysteresis and a hold
// time turn the Doppler level into present/absent events. Sudden changes of
// the carrier (pilot dropouts, fades) blank the analysis for one window, so
// they never read as motion.
package presence
