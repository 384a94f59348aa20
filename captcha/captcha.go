package captcha

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"io"
	"strings"

	dchest "github.com/dchest/captcha"
)

// Length is the number of digits in a challenge unless the configuration
// says otherwise (captcha.length, MinLength to MaxLength).
const (
	Length    = 6
	MinLength = 4
	MaxLength = 10
)

// Image size in pixels.
const (
	Width  = 240
	Height = 80
)

// Challenge is one CAPTCHA: a random seed for its rendering and the answer.
// Both stay on the server; the page refers to the challenge through its flow.
type Challenge struct {
	Seed   string `json:"seed"`
	Answer string `json:"answer"`
}

// New returns a fresh challenge of Length digits.
func New() Challenge { return NewOfLength(Length) }

// NewOfLength returns a fresh challenge of n digits (Length when n is out of
// MinLength to MaxLength).
func NewOfLength(n int) Challenge {
	if n < MinLength || n > MaxLength {
		n = Length
	}
	digits := dchest.RandomDigits(n)
	var b strings.Builder
	for _, d := range digits {
		b.WriteByte('0' + d)
	}
	seed := make([]byte, 16)
	_, _ = rand.Read(seed)
	c := Challenge{Seed: base64.RawURLEncoding.EncodeToString(seed), Answer: b.String()}
	return c
}

// Len is the number of digits to type, which the page says.
func (c Challenge) Len() int { return len(c.Answer) }

func (c Challenge) digits() []byte {
	d := make([]byte, len(c.Answer))
	for i := range c.Answer {
		d[i] = c.Answer[i] - '0'
	}
	return d
}

// WriteImage writes the challenge as a PNG image.
func (c Challenge) WriteImage(w io.Writer) error {
	_, err := dchest.NewImage(c.Seed, c.digits(), Width, Height).WriteTo(w)
	return err
}

// WriteAudio writes the challenge spoken in lang ("en", "pt", "ru", "ja",
// "zh"; others fall back to English) as a WAV file.
func (c Challenge) WriteAudio(w io.Writer, lang string) error {
	_, err := dchest.NewAudio(c.Seed, c.digits(), lang).WriteTo(w)
	return err
}

// Check reports whether input answers the challenge. Spaces are ignored; the
// comparison takes the same time whatever the input.
func (c Challenge) Check(input string) bool {
	input = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\t' {
			return -1
		}
		return r
	}, input)
	if c.Answer == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(input), []byte(c.Answer)) == 1
}
