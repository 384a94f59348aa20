// Command frontdoor runs self-service password reset and account unlock in
// front of an existing sign-in page.
//
//	frontdoor serve --config FILE
//	frontdoor check-config --config FILE [--connect]
//	frontdoor check-password --config FILE [--user LOGIN] [--name "Display Name"]
//	frontdoor audit --config FILE [--since 24h] [--user-key KEY] [--type TYPE]
//	frontdoor version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"syscall"
	"time"

	"github.com/frontdoor-sspr/frontdoor/audit"
	"github.com/frontdoor-sspr/frontdoor/config"
	"github.com/frontdoor-sspr/frontdoor/internal/exepages"
	"github.com/frontdoor-sspr/frontdoor/policy"
	"github.com/frontdoor-sspr/frontdoor/server"
	"github.com/frontdoor-sspr/frontdoor/store"
	"github.com/frontdoor-sspr/frontdoor/templates"
)

// version is set at build time: -ldflags "-X main.version=v1.2.3".
var version = "dev"

const usage = `usage: frontdoor <command> [flags]

commands:
  serve           --config FILE   run the proxy and the self-service pages
  check-config    --config FILE [--connect]
                                  validate a configuration file, listing every problem and
                                  warning; with --connect, also try the directory, the mail
                                  server, the upstream's sign-in page and the store
  check-password  --config FILE [--user LOGIN] [--name NAME]
                                  check one password (read from standard input) against the policy
  audit           --config FILE [--since 24h] [--user-key KEY] [--type TYPE] [--limit N]
                                  print audit events as JSON lines, oldest first
  version                         print the version
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmd, args := args[0], args[1:]
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "configuration file")
	user := fs.String("user", "", "login of the user the password is for (check-password)")
	name := fs.String("name", "", "display name of that user (check-password)")
	since := fs.Duration("since", 24*time.Hour, "events of this last period (audit)")
	auditUser := fs.String("user-key", "", "only events of this user key, such as id:5f1c9a3e-8d2b-1041-9c2a-6b424d7d27b4 (audit)")
	auditType := fs.String("type", "", "only events of this type, such as password.reset (audit)")
	limit := fs.Int("limit", 1000, "at most this many events, the newest (audit)")
	connect := fs.Bool("connect", false, "also connect to every server the file names (check-config)")
	switch cmd {
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "frontdoor", version)
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	case "serve", "check-config", "check-password", "audit":
	default:
		fmt.Fprintf(stderr, "frontdoor: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *path == "" {
		fmt.Fprintf(stderr, "frontdoor %s: --config FILE is required\n", cmd)
		return 2
	}
	cfg, err := config.Load(*path)
	if err != nil {
		printConfigError(stderr, cfg, *path, err)
		return 1
	}
	switch cmd {
	case "check-config":
		if err := server.Check(cfg); err != nil {
			printConfigError(stderr, cfg, *path, err)
			return 1
		}
		for _, w := range server.Warnings(cfg) {
			fmt.Fprintf(stdout, "%s: warning: %s\n", *path, w)
		}
		fmt.Fprintf(stdout, "%s: valid\n", *path)
		if *connect {
			return connectAll(cfg, stdout)
		}
		return 0
	case "check-password":
		return checkPassword(cfg, *user, *name, stdin, stdout, stderr)
	case "audit":
		return auditReport(cfg, store.Filter{Since: time.Now().Add(-*since), User: *auditUser, Type: *auditType, Limit: *limit}, stdout, stderr)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := server.NewLogger(cfg.Log, stderr)
	server.SetMemoryLimit(cfg.Server, logger)
	if cfg.PasswordPolicy.MinScore == 0 {
		policy.ReleaseStrength() // this process never estimates strength
	}
	srv, err := server.New(ctx, cfg, logger, version)
	if err != nil {
		fmt.Fprintf(stderr, "frontdoor: %v\n", err)
		return 1
	}
	go srv.LogConnections(ctx)
	// Start-up is over: the pages of the binary that only it needed go back.
	if n, err := exepages.Release(); err != nil {
		logger.Warn("could not give back the binary's start-up pages", "err", err, "resident_bytes", n)
	} else {
		logger.Debug("gave back the binary's start-up pages", "resident_bytes", n)
	}
	if err := srv.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintf(stderr, "frontdoor: %v\n", err)
		return 1
	}
	return 0
}

// connectAll prints one line per server tried; it fails when one failed.
func connectAll(cfg *config.Config, stdout io.Writer) int {
	code := 0
	for _, c := range server.Connect(context.Background(), cfg) {
		fmt.Fprintln(stdout, c)
		if c.Err != nil {
			code = 1
		}
	}
	return code
}

// printConfigError prints each problem of a configuration on a line of its
// own, as "file:line:column: key.path: message", or any other error after
// the file's name.
func printConfigError(w io.Writer, cfg *config.Config, path string, err error) {
	var ps config.Problems
	if !errors.As(err, &ps) {
		fmt.Fprintf(w, "%s: %v\n", path, err)
		return
	}
	ps = cfg.Locate(ps)
	// In the file's order, as a compiler lists them; those without a line last.
	slices.SortStableFunc(ps, func(a, b config.Problem) int {
		if (a.Line == 0) != (b.Line == 0) {
			return b.Line - a.Line
		}
		return a.Line - b.Line
	})
	noun := "problems"
	if len(ps) == 1 {
		noun = "problem"
	}
	fmt.Fprintf(w, "%s: %d %s:\n", path, len(ps), noun)
	for _, p := range ps {
		if p.File == "" {
			p.File = path
		}
		fmt.Fprintf(w, "%s\n", p)
	}
}

func checkPassword(cfg *config.Config, user, name string, stdin io.Reader, stdout, stderr io.Writer) int {
	p, err := policy.New(cfg.PasswordPolicy, cfg.Organization)
	if err != nil {
		fmt.Fprintf(stderr, "frontdoor: %v\n", err)
		return 1
	}
	defer p.Close()
	// The verdict is worded from the pages' catalogues, the operator's included.
	pages, err := templates.New(templates.Options{Dir: cfg.Server.TemplatesDir, Organization: cfg.Organization, Product: cfg.ProductName, Prefix: cfg.Server.Prefix})
	if err != nil {
		fmt.Fprintf(stderr, "frontdoor: %v\n", err)
		return 1
	}
	lang := pages.NegotiateLocale(os.Getenv("LC_ALL"), os.Getenv("LC_MESSAGES"), os.Getenv("LANG"))
	say := func(id string, args ...any) (string, error) { return pages.Message(lang, id, args...) }
	ok, err := policy.CheckCommand(context.Background(), stdin, stdout, p,
		policy.Context{Username: user, DisplayName: name}, say)
	switch {
	case errors.Is(err, policy.ErrNoPassword):
		fmt.Fprintf(stderr, "frontdoor: %v\n", err)
		return 2
	case !ok:
		if err != nil { // the verdict could not be worded or written
			fmt.Fprintf(stderr, "frontdoor: %v\n", err)
		}
		return 1
	case err != nil: // accepted by the other rules, but a breached source failed
		fmt.Fprintf(stderr, "frontdoor: %v\n", err)
		return 2
	}
	return 0
}

func auditReport(cfg *config.Config, f store.Filter, stdout, stderr io.Writer) int {
	ctx := context.Background()
	st, err := server.OpenStore(ctx, cfg.Store)
	if err != nil {
		fmt.Fprintf(stderr, "frontdoor: %v\n", err)
		return 1
	}
	defer st.Close()
	if _, err := audit.Report(ctx, stdout, st.Audit(), f); err != nil {
		fmt.Fprintf(stderr, "frontdoor: %v\n", err)
		return 1
	}
	return 0
}
