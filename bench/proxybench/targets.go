package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// target is one server under test, started as a child process.
type target struct {
	name string
	addr string
	// metrics, for the Go targets, serves go_memstats_mallocs_total: the
	// process's allocations, counted around each run.
	metrics string
	// scrape is what reading the counter itself allocates in the target,
	// taken off each run's count.
	scrape uint64
	cmd    *exec.Cmd
}

// measureScrape reads the allocation counter three times with the target
// idle: the smaller of the two differences is what one reading allocates.
func (t *target) measureScrape() error {
	if t.metrics == "" {
		return nil
	}
	var m [3]uint64
	for i := range m {
		v, err := mallocs(t)
		if err != nil {
			return err
		}
		m[i] = v
	}
	t.scrape = min(m[1]-m[0], m[2]-m[1])
	return nil
}

// ports are the loopback ports, from base on.
type ports struct {
	upstream, bare, nginx, nginxSub, oauth2, frontdoor, metrics, frontdoorZ, metricsZ, baseline, metricsB, metricsBare int
}

func newPorts(base int) ports {
	return ports{base, base + 1, base + 2, base + 3, base + 4, base + 5, base + 6, base + 7, base + 8, base + 9, base + 10, base + 11}
}

// baselineName is the target of proxybench run's -baseline binary.
const baselineName = "frontdoor baseline"

func addr(port int) string { return fmt.Sprintf("127.0.0.1:%d", port) }

// linkHTML is what nginx's sub_filter injects: the same markup frontdoor
// injects for this page (an English paragraph with two links).
const linkHTML = `<p class="frontdoor-links"><a href="/.frontdoor/reset?return_to=%2Flogin">Forgot my password</a> <a href="/.frontdoor/unlock?return_to=%2Flogin">Unlock my account</a></p>`

func nginxConfig(dir string, p ports) string {
	tmp := filepath.Join(dir, "nginx-tmp")
	os.MkdirAll(tmp, 0o755)
	proxy := fmt.Sprintf(`proxy_pass http://up; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_set_header Host $host; proxy_set_header X-Forwarded-For $remote_addr;`)
	return fmt.Sprintf(`worker_processes auto;
daemon off;
error_log %[1]s/nginx-error.log warn;
pid %[1]s/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path %[2]s/body; proxy_temp_path %[2]s/proxy; fastcgi_temp_path %[2]s/fcgi;
  uwsgi_temp_path %[2]s/uwsgi; scgi_temp_path %[2]s/scgi;
  upstream up { server %[3]s; keepalive 256; }
  server {
    listen %[4]s;
    location / { %[6]s }
  }
  server {
    listen %[5]s;
    location / {
      %[6]s
      proxy_set_header Accept-Encoding "";
      sub_filter '</form>' '</form>%[7]s';
      sub_filter_once on;
      gzip on; gzip_comp_level 1; gzip_types text/html; gzip_min_length 256;
    }
  }
}
`, dir, tmp, addr(p.upstream), addr(p.nginx), addr(p.nginxSub), proxy, linkHTML)
}

// frontdoorConfig is the configuration of the frontdoor target: as
// configured by default, or with upstream.compress_sign_in turned off
// (keepEncoding: the upstream's gzip is decoded and encoded again).
func frontdoorConfig(dir string, listen, metrics int, p ports, keepEncoding bool) string {
	extra := ""
	if keepEncoding {
		extra = "  compress_sign_in: false\n"
	}
	return fmt.Sprintf(`server:
  listen: "%[1]s"
  public_url: "http://%[1]s"
  metrics_listen: "%[2]s"
  secret_key: "proxybench-secret-key-0123456789abcdef"
upstream:
  url: "http://%[3]s"
  sign_in_paths: ["/login"]
  inject_after: "#login-form"
  preserve_host: true
%[5]sstore:
  driver: sqlite
  dsn: "%[4]s/frontdoor-%[1]s.db"
log:
  level: warn
`, addr(listen), addr(metrics), addr(p.upstream), dir, extra)
}

func startTargets(dir string, o options, p ports) ([]*target, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(nginxConfig(dir, p)), 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "frontdoor.yaml"), []byte(frontdoorConfig(dir, p.frontdoor, p.metrics, p, false)), 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "frontdoor-z.yaml"), []byte(frontdoorConfig(dir, p.frontdoorZ, p.metricsZ, p, true)), 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "frontdoor-b.yaml"), []byte(frontdoorConfig(dir, p.baseline, p.metricsB, p, false)), 0o644); err != nil {
		return nil, err
	}
	up := "http://" + addr(p.upstream)
	type spec struct {
		name, addr, metrics string
		argv                []string
	}
	specs := []spec{
		{"upstream", addr(p.upstream), "", []string{self, "upstream", "-listen", addr(p.upstream)}},
		{"bare httputil.ReverseProxy", addr(p.bare), addr(p.metricsBare), []string{self, "bare", "-listen", addr(p.bare), "-metrics", addr(p.metricsBare), "-upstream", up}},
		{"nginx proxy_pass", addr(p.nginx), "", []string{o.nginx, "-e", filepath.Join(dir, "nginx-error.log"), "-c", filepath.Join(dir, "nginx.conf")}},
		{"nginx sub_filter", addr(p.nginxSub), "", nil}, // the same nginx
		{"oauth2-proxy skip-auth", addr(p.oauth2), "", []string{o.oauth2Proxy, "--http-address=" + addr(p.oauth2), "--upstream=" + up + "/",
			"--skip-auth-route=.*", "--email-domain=*", "--client-id=bench", "--client-secret=bench",
			"--cookie-secret=0123456789abcdef0123456789abcdef", "--cookie-secure=false",
			"--request-logging=false", "--standard-logging=false", "--auth-logging=false"}},
		{"frontdoor", addr(p.frontdoor), addr(p.metrics), []string{o.frontdoor, "serve", "--config", filepath.Join(dir, "frontdoor.yaml")}},
		{"frontdoor compress_sign_in: false", addr(p.frontdoorZ), addr(p.metricsZ), []string{o.frontdoor, "serve", "--config", filepath.Join(dir, "frontdoor-z.yaml")}},
	}
	if o.baseline != "" {
		specs = append(specs, spec{baselineName, addr(p.baseline), addr(p.metricsB), []string{o.baseline, "serve", "--config", filepath.Join(dir, "frontdoor-b.yaml")}})
	}
	var ts []*target
	for _, s := range specs {
		t := &target{name: s.name, addr: s.addr, metrics: s.metrics}
		if s.argv != nil {
			log, err := os.Create(filepath.Join(dir, strings.ReplaceAll(s.name, " ", "-")+".log"))
			if err != nil {
				return ts, err
			}
			t.cmd = exec.Command(s.argv[0], s.argv[1:]...)
			t.cmd.Stdout, t.cmd.Stderr = log, log
			if err := t.cmd.Start(); err != nil {
				return ts, fmt.Errorf("start %s: %w", s.name, err)
			}
		}
		ts = append(ts, t)
	}
	for _, t := range ts {
		for _, a := range []string{t.addr, t.metrics} {
			if a == "" {
				continue
			}
			if err := waitListening(a); err != nil {
				return ts, fmt.Errorf("%s: %w (logs in %s)", t.name, err, dir)
			}
		}
		if err := t.measureScrape(); err != nil {
			return ts, err
		}
	}
	return ts, nil
}

func stopTargets(ts []*target) {
	for _, t := range ts {
		if t.cmd != nil && t.cmd.Process != nil {
			t.cmd.Process.Signal(syscall.SIGTERM) // nginx's master stops its workers
			done := make(chan struct{})
			go func() { t.cmd.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.cmd.Process.Kill()
				<-done
			}
		}
	}
}
