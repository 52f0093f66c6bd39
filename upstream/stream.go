package upstream

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	pb "github.com/wakegate/wakegate/proto/wakegatev1"
)

// chunk is one queued audio chunk.
type chunk struct {
	seq uint64
	pcm []byte // s16le
}

// Stream is one open interaction. Send and End may be called from one
// goroutine (the capture loop); Wait from any.
type Stream struct {
	c        *Client
	id       string
	lockstep bool
	onMsg    func(Message)
	cs       pb.VoiceService_ConverseClient
	ctx      context.Context
	cancel   context.CancelFunc

	queue chan chunk // closed exactly once, under mu, when closed turns true

	mu      sync.Mutex
	closed  bool // Send returns ErrClosed
	ended   bool // End was called
	end     *pb.DeviceMessage_End
	failErr error  // first failure seen by the receiver
	nextSeq uint64 // seq of the next Send
	acked   int64  // highest Acked seq, -1 before the first Ack
	ackCh   chan struct{}

	// discard makes the sender drop queued chunks instead of sending them
	// (End with MUTED/CANCELLED/ERROR, or a failed stream).
	discard atomic.Bool

	bytesSent, chunksSent, dropped atomic.Int64

	// Written by the receiver only; read after recvDone.
	res Result

	senderDone, recvDone chan struct{}
	waitOnce             sync.Once
}

// ID returns the interaction id.
func (s *Stream) ID() string { return s.id }

// Stats returns the stream's counters so far.
func (s *Stream) Stats() Stats {
	return Stats{BytesSent: s.bytesSent.Load(), ChunksSent: s.chunksSent.Load(), Dropped: s.dropped.Load()}
}

// Send enqueues one chunk of 16 kHz mono samples (copied; at most
// MaxChunkSamples) without blocking. It returns ErrQueueFull when the
// bounded queue is full (the chunk is dropped; end the interaction with
// EndError, P6) and ErrClosed after End or once the stream has failed or
// ended.
//
// In Lockstep mode Send then blocks until the service has Acked this chunk,
// and every onMsg call for a message the service sent before that Ack has
// returned; it returns ErrClosed if the stream ends first.
func (s *Stream) Send(pcm []int16) error {
	if len(pcm) > MaxChunkSamples {
		return fmt.Errorf("upstream: chunk of %d samples exceeds %d", len(pcm), MaxChunkSamples)
	}
	b := make([]byte, 2*len(pcm))
	for i, v := range pcm {
		binary.LittleEndian.PutUint16(b[2*i:], uint16(v))
	}
	s.mu.Lock()
	if s.closed {
		err := s.closedErrLocked()
		s.mu.Unlock()
		s.dropped.Add(1)
		return err
	}
	seq := s.nextSeq
	select {
	case s.queue <- chunk{seq: seq, pcm: b}:
		s.nextSeq++
	default:
		s.mu.Unlock()
		s.dropped.Add(1)
		return ErrQueueFull
	}
	s.mu.Unlock()
	if !s.lockstep {
		return nil
	}
	for {
		s.mu.Lock()
		acked, ch := s.acked, s.ackCh
		s.mu.Unlock()
		if acked >= int64(seq) {
			return nil
		}
		select {
		case <-ch:
		case <-s.recvDone:
			// The receiver may have handled the Ack just before ending.
			s.mu.Lock()
			acked = s.acked
			err := s.closedErrLocked()
			s.mu.Unlock()
			if acked >= int64(seq) {
				return nil
			}
			return err
		}
	}
}

func (s *Stream) closedErrLocked() error {
	if s.failErr != nil {
		return fmt.Errorf("%w: %w", ErrClosed, s.failErr)
	}
	return ErrClosed
}

// closeLocked stops Send; discard also drops what is still queued.
func (s *Stream) closeLocked(discard bool) {
	if discard {
		s.discard.Store(true)
	}
	if !s.closed {
		s.closed = true
		close(s.queue)
	}
}

// End sends End(reason, detail) after the queued audio and half-closes the
// stream. For EndMuted, EndCancelled and EndError the audio still queued is
// dropped instead (P4: no samples after mute; P6: a fault drops audio). End
// is idempotent: later calls do nothing and return nil.
func (s *Stream) End(reason, detail string) error {
	r, err := endReasonProto(reason)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended {
		return nil
	}
	s.ended = true
	s.end = &pb.DeviceMessage_End{Reason: r, Detail: detail}
	s.closeLocked(reason == EndMuted || reason == EndCancelled || reason == EndError)
	return nil
}

// sender owns the send side of the gRPC stream: it sends the queued chunks
// in order, then End (if End was called), then half-closes.
func (s *Stream) sender() {
	defer close(s.senderDone)
	broken := false
	for c := range s.queue {
		if broken || s.discard.Load() {
			s.dropped.Add(1)
			continue
		}
		msg := &pb.DeviceMessage{Msg: &pb.DeviceMessage_Audio{Audio: &pb.DeviceMessage_AudioChunk{Seq: c.seq, Pcm: c.pcm}}}
		if err := s.cs.Send(msg); err != nil {
			// The stream is gone (the status arrives at the receiver); stop
			// accepting audio and drop the rest.
			broken = true
			s.dropped.Add(1)
			s.mu.Lock()
			s.closeLocked(true)
			s.mu.Unlock()
			continue
		}
		s.bytesSent.Add(int64(len(c.pcm)))
		s.chunksSent.Add(1)
	}
	if broken {
		return
	}
	s.mu.Lock()
	end := s.end
	s.mu.Unlock()
	if end != nil {
		if err := s.cs.Send(&pb.DeviceMessage{Msg: &pb.DeviceMessage_End_{End: end}}); err != nil {
			return
		}
	}
	// CloseSend never blocks; its error repeats a failure the receiver sees.
	_ = s.cs.CloseSend()
}

// receiver reads the service's messages until the stream ends.
func (s *Stream) receiver() {
	defer close(s.recvDone)
	for {
		m, err := s.cs.Recv()
		if err != nil {
			s.mu.Lock()
			if err != io.EOF && s.failErr == nil {
				s.failErr = err
			}
			s.closeLocked(true)
			s.mu.Unlock()
			return
		}
		switch v := m.Msg.(type) {
		case *pb.ServiceMessage_StopCapture_:
			msg := Message{StopCapture: true, StopReason: stopReasonString(v.StopCapture.GetReason())}
			s.res.StopCapture, s.res.StopReason = true, msg.StopReason
			if s.onMsg != nil {
				s.onMsg(msg)
			}
		case *pb.ServiceMessage_ExpectSpeech_:
			d := time.Duration(v.ExpectSpeech.GetTimeoutMs()) * time.Millisecond
			s.res.ExpectSpeech = d
			if s.onMsg != nil && d > 0 {
				s.onMsg(Message{ExpectSpeech: d})
			}
		case *pb.ServiceMessage_Ack_:
			s.mu.Lock()
			if seq := int64(v.Ack.GetSeq()); seq > s.acked {
				s.acked = seq
				close(s.ackCh)
				s.ackCh = make(chan struct{})
			}
			s.mu.Unlock()
		}
	}
}

// wait waits for both goroutines and unregisters the stream.
func (s *Stream) wait() {
	<-s.recvDone
	<-s.senderDone
	s.waitOnce.Do(func() {
		s.cancel()
		s.c.mu.Lock()
		delete(s.c.streams, s)
		s.c.mu.Unlock()
	})
}

// Wait blocks until the service has closed the stream (normally after the
// device's End and any ExpectSpeech) and returns the summary. It returns an
// error when the stream failed. If ctx ends first, Wait cancels the stream
// and returns ctx's error. No goroutine of the stream outlives Wait.
func (s *Stream) Wait(ctx context.Context) (Result, error) {
	select {
	case <-s.recvDone:
	case <-ctx.Done():
		s.cancel()
	}
	s.wait()
	s.mu.Lock()
	failErr := s.failErr
	s.mu.Unlock()
	res := s.res
	res.Stats = s.Stats()
	if err := ctx.Err(); err != nil && failErr != nil {
		return res, fmt.Errorf("upstream: interaction %s: %w", s.id, err)
	}
	if failErr != nil {
		return res, fmt.Errorf("upstream: interaction %s: %s: %w", s.id, hint(failErr), failErr)
	}
	return res, nil
}
