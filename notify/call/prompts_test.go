package call

import (
	"bufio"
	"math"
	"strings"
	"testing"

	"github.com/zaf/g711"
	"golang.org/x/text/language"

	"github.com/frontdoor-sspr/frontdoor/notify/call/internal/wav"
	"github.com/frontdoor-sspr/frontdoor/templates"
)

// TestPromptsAreAudio: every language's prompt is 8 kHz mono mu-law of a
// sane length, and not silence.
func TestPromptsAreAudio(t *testing.T) {
	for _, lang := range []string{"en", "fr", "de", "es", "ar"} {
		b, err := prompts.ReadFile("prompts/" + lang + ".wav")
		if err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		a, err := wav.Decode(b)
		if err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		if err := wav.CheckPrompt(a, 3, 30); err != nil {
			t.Errorf("%s: %v", lang, err)
		}
		if r := rms(a.Data); r < 300 {
			t.Errorf("%s: RMS level %.0f: the prompt is (nearly) silent", lang, r)
		}
	}
}

func rms(ulaw []byte) float64 {
	pcm := g711.DecodeUlaw(ulaw)
	var sum float64
	for i := 0; i+1 < len(pcm); i += 2 {
		v := float64(int16(uint16(pcm[i]) | uint16(pcm[i+1])<<8))
		sum += v * v
	}
	return math.Sqrt(sum / float64(len(pcm)/2))
}

// TestPromptsMatchCatalogues: the spoken texts are the catalogues' current
// call.prompt messages; after changing one, run `make prompts`.
func TestPromptsMatchCatalogues(t *testing.T) {
	set, err := templates.New(templates.Options{})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := prompts.ReadFile("prompts/texts.txt")
	if err != nil {
		t.Fatal(err)
	}
	spoken := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(string(raw)))
	for sc.Scan() {
		lang, text, _ := strings.Cut(sc.Text(), "\t")
		spoken[lang] = text
	}
	for _, tag := range set.Languages() {
		base, _ := tag.Base()
		want, err := set.Message(language.Make(base.String()), "call.prompt")
		if err != nil {
			t.Fatal(err)
		}
		if spoken[base.String()] != want {
			t.Errorf("%s: the embedded prompt says %q, the catalogue %q: run make prompts", base, spoken[base.String()], want)
		}
	}
}

func TestPromptFallsBackToEnglish(t *testing.T) {
	en, err := Prompt("en")
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"", "xx", "../en", "EN-gb"} {
		got, err := Prompt(lang)
		if err != nil || len(got) != len(en) {
			t.Errorf("Prompt(%q): %d bytes, %v; want English (%d bytes)", lang, len(got), err, len(en))
		}
	}
	fr, _ := Prompt("fr-CA")
	if len(fr) == len(en) {
		t.Error("Prompt(fr-CA) gave the English prompt")
	}
}
