package call

import (
	"errors"

	"github.com/emiago/diago"
	"github.com/emiago/diago/media"
)

// keyEvents are the RFC 4733 (formerly 2833) telephone-event codes of the
// keys; 10 is *, 11 is #.
const keyEvents = "0123456789*#ABCD"

// readKeys reads the call's incoming RTP and sends the first key pressed
// on key. It reports an event on its first packet: waiting for the end
// packet would only add delay, and some phones send a first packet of
// duration 0 that diago's own reader then misses. It returns when the
// media ends.
func readKeys(med *diago.DialogMedia, key chan<- rune) error {
	var pt uint8
	found := false
	for _, c := range med.MediaSession().CommonCodecs() {
		if c.Matches(media.CodecTelephoneEvent8000) {
			pt, found = c.PayloadTypeRecv(), true
			break
		}
	}
	if !found {
		return errors.New("call: the trunk did not negotiate telephone-event/8000")
	}
	audio, err := med.AudioReader()
	if err != nil {
		return err
	}
	go func() {
		buf := make([]byte, media.RTPBufSize)
		var lastTS uint32
		seen := false
		for {
			n, err := audio.Read(buf)
			if err != nil {
				return
			}
			hdr := med.RTPPacketReader.PacketHeader
			if hdr.PayloadType != pt || n < 4 {
				continue
			}
			if seen && hdr.Timestamp == lastTS {
				continue // the same event, again
			}
			seen, lastTS = true, hdr.Timestamp
			if int(buf[0]) < len(keyEvents) {
				select {
				case key <- rune(keyEvents[buf[0]]):
				default:
				}
			}
		}
	}()
	return nil
}
