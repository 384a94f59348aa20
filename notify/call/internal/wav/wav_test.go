package wav

import (
	"bytes"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, 8001} {
		samples := bytes.Repeat([]byte{0x7f}, n)
		a, err := Decode(EncodeULaw(samples))
		if err != nil {
			t.Fatalf("%d samples: %v", n, err)
		}
		if a.Format != FormatULaw || a.SampleRate != 8000 || a.Channels != 1 || a.Bits != 8 || !bytes.Equal(a.Data, samples) {
			t.Errorf("%d samples: decoded %+v", n, a)
		}
	}
}

func TestCheckPrompt(t *testing.T) {
	a, _ := Decode(EncodeULaw(make([]byte, 8000*5)))
	if err := CheckPrompt(a, 3, 30); err != nil {
		t.Errorf("5 s of mu-law: %v", err)
	}
	if err := CheckPrompt(a, 6, 30); err == nil {
		t.Error("5 s accepted where 6 s are the minimum")
	}
	a.SampleRate = 16000
	if err := CheckPrompt(a, 3, 30); err == nil {
		t.Error("16 kHz accepted")
	}
}

func TestDecodeRefuses(t *testing.T) {
	good := EncodeULaw([]byte{1, 2, 3})
	for name, b := range map[string][]byte{
		"empty":     nil,
		"not riff":  append([]byte("RIFX"), good[4:]...),
		"no data":   good[:12+8+18],
		"short fmt": []byte("RIFF\x00\x00\x00\x00WAVEfmt \x04\x00\x00\x00abcd"),
		"only riff": good[:12],
	} {
		if _, err := Decode(b); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(EncodeULaw([]byte{1, 2, 3}))
	f.Add([]byte("RIFF\xff\xff\xff\xffWAVEdata\xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := Decode(b)
		if err == nil && len(a.Data) > len(b) {
			t.Fatalf("data longer than the file")
		}
	})
}
