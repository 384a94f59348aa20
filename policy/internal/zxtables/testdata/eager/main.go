// Command eager prints zxcvbn's score and guesses for each password on its
// standard input (one a line, then a tab and the user inputs, comma
// separated), with the dictionaries built the module's own way, at package
// initialisation: the reference for zxtables' tests.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"github.com/trustelem/zxcvbn"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(nil, 1<<20)
	for in.Scan() {
		pw, inputs, _ := strings.Cut(in.Text(), "\t")
		var words []string
		if inputs != "" {
			words = strings.Split(inputs, ",")
		}
		r := zxcvbn.PasswordStrength(pw, words)
		fmt.Printf("%d %v\n", r.Score, r.Guesses)
	}
}
