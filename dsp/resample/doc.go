// Package resample converts audio between sample rates with a band-limited,
// Kaiser-windowed sinc filter in polyphase form.
//
// For a rate change in/out = M/L (reduced by their gcd), output sample k is
// the filtered input evaluated at input time t = k·M/L: the filter kernel is
// centred on t, so the output is time-aligned with the input (sample k of the
// output corresponds to time k/outRate, and Latency is 0). The price is a
// look-ahead: an output sample is emitted once the input reaches t + Half()
// samples, and Flush supplies the missing future as silence at the end.
//
// The anti-aliasing low-pass has its pass band up to 0.87 × the lower of the
// two Nyquist frequencies and its stop band (≥ 80 dB down) from that Nyquist
// frequency on, so nothing that would fold back into the output band survives
// (for 48 kHz → 16 kHz: flat to 6.96 kHz, ≥ 80 dB down from 8 kHz). Equal
// rates are an exact copy.
package resample
