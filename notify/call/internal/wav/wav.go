// Package wav reads and writes the two WAV shapes of the call prompts:
// 16-bit linear PCM (what espeak-ng writes) and 8-bit G.711 mu-law (what
// is embedded and played).
package wav

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// WAVE format tags.
const (
	FormatPCM  = 1
	FormatULaw = 7
)

// Audio is a decoded WAV file.
type Audio struct {
	Format     uint16
	Channels   uint16
	SampleRate uint32
	Bits       uint16
	Data       []byte
}

// Decode parses a RIFF/WAVE file: its fmt chunk and its data chunk.
func Decode(b []byte) (Audio, error) {
	var a Audio
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return a, errors.New("wav: not a RIFF/WAVE file")
	}
	var haveFmt, haveData bool
	for p := 12; p+8 <= len(b); {
		id, n := string(b[p:p+4]), int(binary.LittleEndian.Uint32(b[p+4:p+8]))
		p += 8
		end := p + n
		if n < 0 || end > len(b) {
			// espeak-ng writing to a pipe leaves the sizes at their maximum:
			// the chunk runs to the end of the file.
			end = len(b)
		}
		switch id {
		case "fmt ":
			if end-p < 16 {
				return a, errors.New("wav: short fmt chunk")
			}
			a.Format = binary.LittleEndian.Uint16(b[p:])
			a.Channels = binary.LittleEndian.Uint16(b[p+2:])
			a.SampleRate = binary.LittleEndian.Uint32(b[p+4:])
			a.Bits = binary.LittleEndian.Uint16(b[p+14:])
			haveFmt = true
		case "data":
			a.Data = b[p:end]
			haveData = true
		}
		p = end + (end-p)%2 // chunks are padded to even sizes
		if end == len(b) {
			break
		}
	}
	if !haveFmt || !haveData {
		return a, errors.New("wav: missing fmt or data chunk")
	}
	return a, nil
}

// EncodeULaw writes 8 kHz mono mu-law samples as a WAV file, with the fact
// chunk that non-PCM formats carry.
func EncodeULaw(samples []byte) []byte {
	var b bytes.Buffer
	n := uint32(len(samples))
	w := func(v any) { _ = binary.Write(&b, binary.LittleEndian, v) }
	b.WriteString("RIFF")
	w(uint32(4 + (8 + 18) + (8 + 4) + 8 + n + n%2))
	b.WriteString("WAVEfmt ")
	w(uint32(18))
	w(uint16(FormatULaw))
	w(uint16(1))    // channels
	w(uint32(8000)) // sample rate
	w(uint32(8000)) // bytes per second
	w(uint16(1))    // block align
	w(uint16(8))    // bits per sample
	w(uint16(0))    // extension size
	b.WriteString("fact")
	w(uint32(4))
	w(n)
	b.WriteString("data")
	w(n)
	b.Write(samples)
	if n%2 == 1 {
		b.WriteByte(0)
	}
	return b.Bytes()
}

// CheckPrompt returns an error unless a is 8 kHz mono mu-law audio between
// min and max seconds long.
func CheckPrompt(a Audio, minSec, maxSec float64) error {
	if a.Format != FormatULaw || a.Channels != 1 || a.SampleRate != 8000 || a.Bits != 8 {
		return fmt.Errorf("wav: format %d, %d channels, %d Hz, %d bits; want mu-law (7), 1 channel, 8000 Hz, 8 bits",
			a.Format, a.Channels, a.SampleRate, a.Bits)
	}
	if sec := float64(len(a.Data)) / 8000; sec < minSec || sec > maxSec {
		return fmt.Errorf("wav: %.1f s long, want %.0f to %.0f s", sec, minSec, maxSec)
	}
	return nil
}
