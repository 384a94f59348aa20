// Command loadreset is a load test of whole password resets: N virtual users
// each walk the email-code reset (start, identify, choose email, read the code
// from the mail, enter it, set a new password) against the frontdoor binary,
// in front of the testenv slapd, with SQLite, or with PostgreSQL behind two
// replicas. CAPTCHA is off; the codes are caught by an SMTP server the load
// test runs itself. It reports completed resets per second, p50 and p99 per
// step, errors (and 5xx answers), and frontdoor's resident memory.
//
//	eval "$(testenv/env.sh)"
//	make build && go run ./bench/loadreset -vus 300 -d 20s
//	go run ./bench/loadreset -store postgres -replicas 2 -vus 300 -d 20s
//	go run ./bench/loadreset -vus 1000 -d 20s     # 1,000 flows in flight
//
// The accounts are its own (lr-RUN-N under ou=people), made for the run and
// deleted after it. It never runs in make test.
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

type options struct {
	frontdoor     string
	store         string
	replicas, vus int
	usersPerVU    int
	duration      time.Duration
	portBase      int
	profile       string
	think         time.Duration
	memoryLimit   string
	maxConcurrent int
	idleConns     int
	keep          bool
}

func main() {
	var o options
	flag.StringVar(&o.frontdoor, "frontdoor", "bin/frontdoor", "frontdoor binary (make build)")
	flag.StringVar(&o.store, "store", "sqlite", "sqlite or postgres")
	flag.IntVar(&o.replicas, "replicas", 1, "frontdoor replicas (postgres only for more than one)")
	flag.IntVar(&o.vus, "vus", 300, "virtual users")
	flag.IntVar(&o.usersPerVU, "accounts-per-vu", 3, "accounts each virtual user resets in turn")
	flag.DurationVar(&o.duration, "d", 20*time.Second, "how long virtual users start new resets")
	flag.BoolVar(&o.keep, "keep", false, "keep the folder with frontdoor's configuration and log (its path is printed)")
	flag.DurationVar(&o.think, "think", 0, "pause of a virtual user before each step, as a person reads and types (0: none, the most load)")
	flag.IntVar(&o.portBase, "port-base", 28181, "first loopback port (SMTP, then replicas and their metrics)")
	flag.StringVar(&o.profile, "profile", "", "run frontdoor in this process and write cpu.pprof and heap.pprof to this folder (one replica; no RSS figure)")
	flag.StringVar(&o.memoryLimit, "memory-limit", "", "frontdoor's server.memory_limit (auto, off or a size such as 48MiB; empty: not in the configuration, so its default)")
	flag.IntVar(&o.maxConcurrent, "max-concurrent", 0, "frontdoor's server.max_concurrent (0: not in the configuration, so its default; main's binary refuses the key)")
	flag.IntVar(&o.idleConns, "idle-conns", 4096, "idle keep-alive connections the virtual users keep to frontdoor (4096: each keeps its own, as browsers connected directly do; 32: as nginx with \"keepalive 32\" in front does)")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "loadreset:", err)
		os.Exit(1)
	}
}

func env(names ...string) ([]string, error) {
	var v []string
	for _, n := range names {
		s := os.Getenv(n)
		if s == "" {
			return nil, fmt.Errorf("%s is not set: start the test servers (testenv/up.sh slapd postgres) and eval \"$(testenv/env.sh)\"", n)
		}
		v = append(v, s)
	}
	return v, nil
}

func run(o options) error {
	if o.store == "sqlite" && o.replicas > 1 {
		return fmt.Errorf("several replicas need -store postgres")
	}
	d, err := env("SLAPD_URL", "SLAPD_ROOT_DN", "SLAPD_ROOT_PASSWORD", "SLAPD_BASE_DN", "SLAPD_BIND_DN", "SLAPD_BIND_PASSWORD", "SLAPD_LDAPS_URL", "SLAPD_CA_FILE")
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "loadreset-")
	if err != nil {
		return err
	}
	if o.keep {
		fmt.Fprintln(os.Stderr, "frontdoor's configuration and log are in", dir)
	} else {
		defer os.RemoveAll(dir)
	}

	dsn := filepath.Join(dir, "frontdoor.db")
	if o.store == "postgres" {
		dsn, err = freshDatabase()
		if err != nil {
			return err
		}
		defer dropDatabase(dsn)
	}
	smtpAddr := fmt.Sprintf("127.0.0.1:%d", o.portBase)
	mb, err := startMailbox(smtpAddr)
	if err != nil {
		return err
	}
	defer mb.srv.Close()

	dirx := directory{url: d[0], rootDN: d[1], rootPassword: d[2], base: d[3]}
	t0 := time.Now()
	users, err := dirx.create(o.vus * o.usersPerVU)
	defer func() {
		if err := dirx.remove(users); err != nil {
			fmt.Fprintln(os.Stderr, "loadreset: deleting the accounts:", err)
		}
	}()
	if err != nil {
		return fmt.Errorf("create accounts: %w", err)
	}
	fmt.Fprintf(os.Stderr, "%d accounts made in %s\n", len(users), time.Since(t0).Round(time.Millisecond))

	var hosts []string
	var procs []*exec.Cmd
	var idle []idleMemory
	defer func() {
		for _, p := range procs {
			p.Process.Signal(os.Interrupt)
			p.Wait()
		}
	}()
	for i := range o.replicas {
		listen := fmt.Sprintf("127.0.0.1:%d", o.portBase+1+2*i)
		cfgPath := filepath.Join(dir, fmt.Sprintf("frontdoor-%d.yaml", i))
		public := fmt.Sprintf("http://127.0.0.1:%d", o.portBase+1)
		metrics := fmt.Sprintf("127.0.0.1:%d", o.portBase+2+2*i)
		cfg := frontdoorConfig(listen, metrics, public, o.store, dsn, smtpAddr, d)
		if o.memoryLimit != "" {
			cfg = strings.Replace(cfg, "server:\n", fmt.Sprintf("server:\n  memory_limit: %q\n", o.memoryLimit), 1)
		}
		if o.maxConcurrent != 0 {
			cfg = strings.Replace(cfg, "server:\n", fmt.Sprintf("server:\n  max_concurrent: %d\n", o.maxConcurrent), 1)
		}
		if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
			return err
		}
		logf, _ := os.Create(filepath.Join(dir, fmt.Sprintf("frontdoor-%d.log", i)))
		if o.profile != "" {
			stop, err := serveInProcess(cfgPath, logf)
			if err != nil {
				return err
			}
			defer stop()
			if err := waitListening(listen); err != nil {
				return err
			}
			hosts = append(hosts, listen)
			break
		}
		cmd := exec.Command(o.frontdoor, "serve", "--config", cfgPath)
		cmd.Stdout, cmd.Stderr = logf, logf
		if err := cmd.Start(); err != nil {
			return err
		}
		procs = append(procs, cmd)
		if err := waitListening(listen); err != nil {
			b, _ := os.ReadFile(logf.Name())
			return fmt.Errorf("frontdoor %d: %w\n%s", i, err, b)
		}
		idle = append(idle, measureIdle(cmd.Process.Pid, metrics))
		hosts = append(hosts, listen)
	}

	st := newStats()
	rt := &replicas{hosts: hosts, base: &http.Transport{MaxIdleConns: o.idleConns, MaxIdleConnsPerHost: o.idleConns, IdleConnTimeout: time.Minute}, st: st}
	var inFlight atomic.Int64
	var maxInFlight atomic.Int64
	rss := newRSSSampler(procs)
	stopSampling := make(chan struct{})
	go rss.run(stopSampling, &inFlight, &maxInFlight)

	if o.profile != "" {
		stop, err := startProfile(o.profile)
		if err != nil {
			return err
		}
		defer stop()
	}
	start := time.Now()
	deadline := start.Add(o.duration)
	pids := make([]int, 0, len(procs)+1)
	for _, p := range procs {
		pids = append(pids, p.Process.Pid)
	}
	if pid, ok := slapdPID(); ok {
		pids = append(pids, pid)
	}
	cpu, cpuDone := startCPU(pids), make(chan struct{})
	time.AfterFunc(o.duration, func() { cpu.stop(); close(cpuDone) })
	var wg sync.WaitGroup
	for i := range o.vus {
		v := newVU(i, "http://"+hosts[0], rt, mb, st, users[i*o.usersPerVU:(i+1)*o.usersPerVU], &inFlight)
		v.think = o.think
		wg.Add(1)
		go func() { defer wg.Done(); v.run(deadline) }()
		time.Sleep(o.duration / 20 / time.Duration(o.vus)) // ramp up over the first 5 %
	}
	wg.Wait()
	close(stopSampling)
	report(o, st, start, deadline, rss, maxInFlight.Load(), mb)
	<-cpuDone
	for i, used := range cpu.used {
		who := fmt.Sprintf("frontdoor %d", i)
		if i >= len(procs) {
			who = "slapd (the directory)"
		}
		fmt.Printf("%s: %.1f s of CPU until the deadline, %.2f ms per completed reset\n",
			who, used.Seconds(), float64(used.Microseconds())/1000/float64(max(st.completed(deadline), 1)))
	}
	for i, m := range idle {
		fmt.Printf("frontdoor %d idle, 1 s after start: %s\n", i, m)
	}
	return nil
}

func frontdoorConfig(listen, metrics, public, store, dsn, smtpAddr string, d []string) string {
	host, port, _ := net.SplitHostPort(smtpAddr)
	return fmt.Sprintf(`server:
  listen: %q
  public_url: %q
  metrics_listen: %q
  trusted_proxies: ["127.0.0.1/32"]
  secret_key: "loadreset-secret-key-0123456789abcdef"
upstream:
  url: "http://127.0.0.1:9"
organization: "Qx9 Labs"
store:
  driver: %s
  dsn: %q
directory:
  type: openldap
  urls: [%q]
  ca_file: %q
  bind_dn: %q
  bind_password: %q
  base_dn: %q
  root_dn: %q
  pool_size: 8
reset:
  enabled: all
  methods: [email]
unlock:
  enabled: none
captcha:
  provider: none
  insecure: true
email:
  from: "frontdoor <no-reply@loadreset.test>"
  smtp:
    host: %q
    port: %s
    tls: none
    connections: 16
log:
  level: info
`, listen, public, metrics, store, dsn, d[6], d[7], d[4], d[5], d[3], d[1], host, port)
}

func freshDatabase() (string, error) {
	v, err := env("POSTGRES_ADMIN_URL")
	if err != nil {
		return "", err
	}
	ctx := context.Background()
	c, err := pgx.Connect(ctx, v[0])
	if err != nil {
		return "", err
	}
	defer c.Close(ctx)
	name := fmt.Sprintf("loadreset_%d", os.Getpid())
	if _, err := c.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", err
	}
	cfg, _ := pgx.ParseConfig(v[0])
	return strings.Replace(v[0], "/"+cfg.Database+"?", "/"+name+"?", 1), nil
}

func dropDatabase(dsn string) {
	v, _ := env("POSTGRES_ADMIN_URL")
	ctx := context.Background()
	c, err := pgx.Connect(ctx, v[0])
	if err != nil {
		return
	}
	defer c.Close(ctx)
	cfg, _ := pgx.ParseConfig(dsn)
	c.Exec(ctx, "DROP DATABASE IF EXISTS "+cfg.Database+" WITH (FORCE)")
}

// rssSampler reads the replicas' resident memory (VmRSS, and RssAnon: the
// part that is the process's own, not the binary's clean pages mapped from
// the file) every 100 ms.
type rssSampler struct {
	procs   []*exec.Cmd
	mu      sync.Mutex
	max     []int64 // bytes, per replica
	maxAnon []int64
	// atThousand is the largest RSS seen while 1,000 or more flows were in
	// flight, anonAtThousand the largest RssAnon.
	atThousand, anonAtThousand int64
}

func newRSSSampler(procs []*exec.Cmd) *rssSampler {
	return &rssSampler{procs: procs, max: make([]int64, len(procs)), maxAnon: make([]int64, len(procs))}
}

func (s *rssSampler) run(stop chan struct{}, inFlight, maxInFlight *atomic.Int64) {
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		n := inFlight.Load()
		if n > maxInFlight.Load() {
			maxInFlight.Store(n)
		}
		s.mu.Lock()
		for i, p := range s.procs {
			r, anon := residentSet(p.Process.Pid)
			s.max[i] = max(s.max[i], r)
			s.maxAnon[i] = max(s.maxAnon[i], anon)
			if n >= 1000 {
				s.atThousand = max(s.atThousand, r)
				s.anonAtThousand = max(s.anonAtThousand, anon)
			}
		}
		s.mu.Unlock()
	}
}

// residentSet returns a process's VmRSS and RssAnon, in bytes.
func residentSet(pid int) (total, anon int64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			total = kb << 10
		case "RssAnon:":
			anon = kb << 10
		}
	}
	return total, anon
}

func report(o options, st *stats, start, deadline time.Time, rs *rssSampler, maxInFlight int64, mb *mailbox) {
	st.mu.Lock()
	defer st.mu.Unlock()
	completed := st.completedLocked(deadline)
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("machine: %d CPUs, %s/%s, %s; load average at the end %s\n", runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version(), strings.Join(strings.Fields(string(load))[:3], " "))
	fmt.Printf("store %s, %d replica(s), %d virtual users, %d accounts, %s, think time %s\n", o.store, o.replicas, o.vus, o.vus*o.usersPerVU, o.duration, o.think)
	fmt.Printf("completed resets: %d in %s = %.1f per second (%d more finished after the deadline)\n",
		completed, o.duration, float64(completed)/o.duration.Seconds(), len(st.done)-completed)
	fmt.Printf("flows in flight at most: %d; codes mailed: %d\n", maxInFlight, mb.count)
	fmt.Println()
	fmt.Println("| step | count | p50 | p99 | errors |")
	fmt.Println("|---|---|---|---|---|")
	for _, s := range steps {
		d := st.durations[s]
		slices.Sort(d)
		fmt.Printf("| %s | %d | %s | %s | %d |\n", s, len(d), pct(d, 0.50), pct(d, 0.99), st.errors[s])
	}
	fmt.Println()
	fmt.Printf("5xx answers: %d\n", st.status5xx)
	for _, s := range steps {
		if e, ok := st.firstErr[s]; ok {
			fmt.Printf("first %s error: %s\n", s, e)
		}
	}
	rs.mu.Lock()
	for i, m := range rs.max {
		fmt.Printf("frontdoor %d: peak RSS %.1f MB (of which anonymous, not the binary's pages: at most %.1f MB)\n", i, float64(m)/1e6, float64(rs.maxAnon[i])/1e6)
	}
	if rs.atThousand > 0 {
		fmt.Printf("peak RSS with 1,000 or more flows in flight: %.1f MB (anonymous at most %.1f MB)\n", float64(rs.atThousand)/1e6, float64(rs.anonAtThousand)/1e6)
	}
	rs.mu.Unlock()
}

func pct(d []time.Duration, p float64) string {
	if len(d) == 0 {
		return "-"
	}
	v := d[min(len(d)-1, int(float64(len(d))*p))]
	return fmt.Sprintf("%.1f ms", float64(v)/1e6)
}

func waitListening(addr string) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("nothing listening on %s after 30 s", addr)
}

// completed counts the resets done by the deadline.
func (s *stats) completed(deadline time.Time) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.completedLocked(deadline)
}

func (s *stats) completedLocked(deadline time.Time) int {
	n := 0
	for _, t := range s.done {
		if !t.After(deadline) {
			n++
		}
	}
	return n
}
