// Package alarm recognises smoke and CO alarm sounds in 16 kHz audio by
// their standard temporal patterns, so that the agent can report "alarm
// heard" without sending audio.
//
// Smoke alarms sound the temporal-three pattern (ISO 8201, NFPA 72: 0.5 s
// on, 0.5 s off, three times, then 1.5 s off), usually as a tone near
// 3.1 kHz or, in low-frequency alarms for sleepers, a 520 Hz square wave.
// CO alarms sound the temporal-four pattern (NFPA 720: 0.1 s on, 0.1 s off,
// four times, then about 5 s off).
//
// Every 10 ms hop the Detector takes a 256-point Hann-windowed spectrum and,
// in each watched band (the high tone and the low tone, ±10 %), finds the
// strongest bin; the hop counts as "tone on" when that peak stands well
// above the surrounding spectrum (a tone, not speech or music energy), above
// the band's noise floor, and near the recent tone level. Runs of tone-on
// hops become beeps; beeps become groups when their onsets are one beep
// period apart; two consecutive groups with the right beep count and the
// right gap make a report. Onset-to-onset periods carry the timing check
// because reverberation lengthens beeps and shortens gaps but leaves onsets
// in place.
package alarm
