// Command genprompt synthesises the verification call's prompt in every
// language of the catalogues with espeak-ng, and writes it as 8 kHz mono
// G.711 mu-law WAV files for notify/call to embed. Run it through
// `go generate ./notify/call` or `make prompts`; it needs espeak-ng.
//
// It writes prompts/LANG.wav and prompts/texts.txt, the exact texts that
// were spoken: a test compares them with the catalogues, so a changed
// prompt text that was not synthesised again fails the build.
package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/zaf/g711"
	"golang.org/x/text/language"

	"github.com/frontdoor-sspr/frontdoor/notify/call/internal/wav"
	"github.com/frontdoor-sspr/frontdoor/templates"
)

// voices maps catalogue languages to espeak-ng voices.
var voices = map[string]string{"en": "en-us", "fr": "fr-fr", "de": "de", "es": "es", "ar": "ar"}

func main() {
	out := "prompts"
	if len(os.Args) > 1 {
		out = os.Args[1]
	}
	if err := run(out); err != nil {
		fmt.Fprintln(os.Stderr, "genprompt:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	set, err := templates.New(templates.Options{})
	if err != nil {
		return err
	}
	var texts strings.Builder
	for _, tag := range set.Languages() {
		lang, _ := tag.Base()
		voice, ok := voices[lang.String()]
		if !ok {
			return fmt.Errorf("no espeak-ng voice for %s", lang)
		}
		text, err := set.Message(language.Make(lang.String()), "call.prompt")
		if err != nil {
			return err
		}
		ulaw, err := synthesise(voice, text)
		if err != nil {
			return fmt.Errorf("%s: %w", lang, err)
		}
		if err := os.WriteFile(filepath.Join(out, lang.String()+".wav"), wav.EncodeULaw(ulaw), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(&texts, "%s\t%s\n", lang, text)
	}
	return os.WriteFile(filepath.Join(out, "texts.txt"), []byte(texts.String()), 0o644)
}

// synthesise speaks text with espeak-ng and returns it as 8 kHz mu-law.
func synthesise(voice, text string) ([]byte, error) {
	cmd := exec.Command("espeak-ng", "-v", voice, "-s", "150", "--stdout", text)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	raw, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("espeak-ng: %v: %s", err, stderr.String())
	}
	a, err := wav.Decode(raw)
	if err != nil {
		return nil, err
	}
	if a.Format != wav.FormatPCM || a.Bits != 16 || a.Channels != 1 {
		return nil, fmt.Errorf("espeak-ng wrote format %d, %d bits, %d channels", a.Format, a.Bits, a.Channels)
	}
	in := make([]float64, len(a.Data)/2)
	for i := range in {
		in[i] = float64(int16(binary.LittleEndian.Uint16(a.Data[2*i:])))
	}
	pcm := resample(in, float64(a.SampleRate), 8000)
	// Half a second of silence before the words: the callee's ear is only
	// just at the phone when the call is answered.
	lin := make([]byte, 2*(4000+len(pcm)))
	for i, v := range pcm {
		binary.LittleEndian.PutUint16(lin[2*(4000+i):], uint16(int16(v)))
	}
	return g711.EncodeUlaw(lin), nil
}

// resample converts in from rate from to rate to with a windowed-sinc
// low-pass filter at the telephone band's edge (3.4 kHz).
func resample(in []float64, from, to float64) []float64 {
	const taps = 32
	cutoff := 3400 / from // as a fraction of the input rate
	n := int(float64(len(in)) * to / from)
	out := make([]float64, n)
	for i := range out {
		centre := float64(i) * from / to
		var sum float64
		for k := int(centre) - taps; k <= int(centre)+taps; k++ {
			if k < 0 || k >= len(in) {
				continue
			}
			x := float64(k) - centre
			w := 0.5 + 0.5*math.Cos(math.Pi*x/(taps+1)) // Hann window
			sinc := 2 * cutoff
			if x != 0 {
				sinc = math.Sin(2*math.Pi*cutoff*x) / (math.Pi * x)
			}
			sum += in[k] * sinc * w
		}
		out[i] = max(-32768, min(32767, sum))
	}
	return out
}
