package call

//go:generate go run ./internal/genprompt prompts

import (
	"embed"
	"fmt"
	"strings"

	"github.com/frontdoor-sspr/frontdoor/notify/call/internal/wav"
)

// The prompts are committed assets, made by internal/genprompt from the
// catalogues' call.prompt message with espeak-ng: building frontdoor then
// needs no speech synthesiser, and the audio does not change with the
// espeak-ng version of whoever builds. TestPromptsMatchCatalogues fails
// when a catalogue's text changed and the prompts were not made again.
//
//go:embed prompts/*.wav prompts/texts.txt
var prompts embed.FS

// Prompt returns the prompt of lang (a BCP 47 tag such as "fr" or "de-CH")
// as 8 kHz mono G.711 mu-law samples; languages without a prompt get
// English.
func Prompt(lang string) ([]byte, error) {
	base, _, _ := strings.Cut(strings.ToLower(lang), "-")
	b, err := prompts.ReadFile("prompts/" + base + ".wav")
	if err != nil || base == "" {
		b, err = prompts.ReadFile("prompts/en.wav")
	}
	if err != nil {
		return nil, fmt.Errorf("call: prompt: %w", err)
	}
	a, err := wav.Decode(b)
	if err != nil {
		return nil, fmt.Errorf("call: prompt %s: %w", lang, err)
	}
	return a.Data, nil
}

// PromptText returns the words of the prompt of lang as the embedded
// audio speaks them (English for languages without a prompt), for
// gateways that speak the text themselves.
func PromptText(lang string) string {
	base, _, _ := strings.Cut(strings.ToLower(lang), "-")
	raw, _ := prompts.ReadFile("prompts/texts.txt")
	var en string
	for _, line := range strings.Split(string(raw), "\n") {
		l, text, _ := strings.Cut(line, "\t")
		if l == base {
			return text
		}
		if l == "en" {
			en = text
		}
	}
	return en
}
