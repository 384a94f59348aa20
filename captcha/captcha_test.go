package captcha

import (
	"bytes"
	"image/png"
	"testing"
)

func TestChallenge(t *testing.T) {
	c := New()
	if len(c.Answer) != Length || c.Seed == "" {
		t.Fatalf("challenge %+v", c)
	}
	if New().Seed == c.Seed {
		t.Error("two challenges share a seed")
	}
	for _, in := range []string{c.Answer, " " + c.Answer[:3] + " " + c.Answer[3:] + " "} {
		if !c.Check(in) {
			t.Errorf("Check(%q) refused the answer", in)
		}
	}
	wrong := []byte(c.Answer)
	wrong[0] = '0' + (wrong[0]-'0'+1)%10
	for _, in := range []string{"", string(wrong), c.Answer[:5], c.Answer + "0", "abcdef"} {
		if c.Check(in) {
			t.Errorf("Check(%q) accepted", in)
		}
	}
	if (Challenge{}).Check("") {
		t.Error("empty challenge accepted an empty answer")
	}
}

func TestRendering(t *testing.T) {
	c := New()
	var img bytes.Buffer
	if err := c.WriteImage(&img); err != nil {
		t.Fatal(err)
	}
	m, err := png.Decode(&img)
	if err != nil || m.Bounds().Dx() != Width || m.Bounds().Dy() != Height {
		t.Fatalf("image: %v %v", err, m.Bounds())
	}
	var wav bytes.Buffer
	if err := c.WriteAudio(&wav, "en"); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(wav.Bytes(), []byte("RIFF")) || wav.Len() < 10000 {
		t.Errorf("audio: %d bytes, header %q", wav.Len(), wav.Bytes()[:4])
	}
}
