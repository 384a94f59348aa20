package deploy

import (
	"net"
	"net/url"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/frontdoor-sspr/frontdoor/config"
)

// manifests are the files checked, each with whether frontdoor shares its pod
// with the sign-in service.
var manifests = []struct {
	file    string
	sidecar bool
}{
	{"kubernetes/sidecar.yaml", true},
	{"kubernetes/ingress.yaml", false},
}

// secretKeys are the configuration keys that hold secrets; in a manifest they
// must come from the Secret through KEY_file, never inline.
var secretKeys = []string{"bind_password", "password", "secret_key", "client_secret", "auth_token", "api_key"}

// setup is what every check needs from one manifest file.
type setup struct {
	m      manifest
	dep    deployment
	fd     container
	cfgRaw string
	cfg    *config.Config
	// secretDir is where the Secret is mounted in the frontdoor container.
	secretDir string
}

func TestManifests(t *testing.T) {
	for _, mf := range manifests {
		t.Run(mf.file, func(t *testing.T) {
			s := prepare(t, mf.file)
			t.Run("non-root, read-only root filesystem", func(t *testing.T) { checkSecurity(t, s) })
			t.Run("probes on the metrics port", func(t *testing.T) { checkProbes(t, s) })
			t.Run("resources bounded", func(t *testing.T) { checkResources(t, s) })
			t.Run("secrets only through _file keys", func(t *testing.T) { checkSecrets(t, s) })
			t.Run("store on a volume, one replica", func(t *testing.T) { checkStore(t, s) })
			t.Run("service reaches frontdoor only", func(t *testing.T) { checkService(t, s) })
			t.Run("upstream", func(t *testing.T) { checkUpstream(t, s, mf.sidecar) })
			if !mf.sidecar {
				t.Run("ingress", func(t *testing.T) { checkIngress(t, s) })
			}
		})
	}
}

// prepare finds the frontdoor container and reads the configuration it is
// started with, from the ConfigMap mounted at the --config path, resolving
// ${ENV} from the container's env and *_file from the mounted Secret. The
// configuration must pass config.Read, which validates it.
func prepare(t *testing.T, file string) setup {
	t.Helper()
	s := setup{m: load(t, file)}
	if len(s.m.Deployments) != 1 {
		t.Fatalf("%d Deployments, want 1", len(s.m.Deployments))
	}
	s.dep = s.m.Deployments[0]
	pod := s.dep.Spec.Template.Spec
	i := slices.IndexFunc(pod.Containers, func(c container) bool { return c.Name == "frontdoor" })
	if i < 0 {
		t.Fatal("no container named frontdoor")
	}
	s.fd = pod.Containers[i]

	cfgPath := flagValue(s.fd.Args, "--config")
	if cfgPath == "" {
		t.Fatalf("frontdoor args %q lack --config", s.fd.Args)
	}
	for _, v := range pod.Volumes {
		dir := s.fd.mount(v.Name)
		switch {
		case dir == "":
		case v.ConfigMap != nil && path.Dir(cfgPath) == dir:
			cm, ok := s.m.ConfigMaps[v.ConfigMap.Name]
			if !ok {
				t.Fatalf("volume %s names ConfigMap %s, which the file does not define", v.Name, v.ConfigMap.Name)
			}
			s.cfgRaw = cm.Data[path.Base(cfgPath)]
		case v.Secret != nil:
			if _, ok := s.m.Secrets[v.Secret.SecretName]; !ok {
				t.Fatalf("volume %s names Secret %s, which the file does not define", v.Name, v.Secret.SecretName)
			}
			s.secretDir = dir
		}
	}
	if s.cfgRaw == "" {
		t.Fatalf("--config %s is not a key of a ConfigMap mounted at %s", cfgPath, path.Dir(cfgPath))
	}
	if s.secretDir == "" {
		t.Fatal("no Secret is mounted in the frontdoor container")
	}
	env := map[string]string{}
	for _, e := range s.fd.Env {
		env[e.Name] = e.Value
	}
	lookupEnv := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	cfg, err := config.Read(strings.NewReader(s.cfgRaw), lookupEnv, s.readSecret)
	if err != nil {
		t.Fatalf("the configuration in the ConfigMap: %v", err)
	}
	s.cfg = cfg
	return s
}

// readSecret resolves a *_file path to the value of the mounted Secret's key.
func (s setup) readSecret(name string) ([]byte, error) {
	dir, key := path.Split(name)
	if path.Clean(dir) != s.secretDir {
		return nil, os.ErrNotExist
	}
	for _, v := range s.dep.Spec.Template.Spec.Volumes {
		if v.Secret != nil && s.fd.mount(v.Name) == s.secretDir {
			if val, ok := s.m.Secrets[v.Secret.SecretName].value(key); ok {
				return []byte(val), nil
			}
		}
	}
	return nil, os.ErrNotExist
}

func checkSecurity(t *testing.T, s setup) {
	pod, c := s.dep.Spec.Template.Spec.SecurityContext, s.fd.SecurityContext
	if !isTrue(c.RunAsNonRoot) && !isTrue(pod.RunAsNonRoot) {
		t.Error("runAsNonRoot is not set on the frontdoor container or its pod")
	}
	for _, uid := range []*int64{c.RunAsUser, pod.RunAsUser} {
		if uid != nil && *uid == 0 {
			t.Error("runAsUser is 0")
		}
	}
	if !isTrue(c.ReadOnlyRootFilesystem) {
		t.Error("readOnlyRootFilesystem is not true")
	}
	if c.AllowPrivilegeEscalation == nil || *c.AllowPrivilegeEscalation {
		t.Error("allowPrivilegeEscalation is not false")
	}
	if !slices.Contains(c.Capabilities.Drop, "ALL") {
		t.Errorf("capabilities drop %v, want ALL", c.Capabilities.Drop)
	}
}

func checkProbes(t *testing.T, s setup) {
	_, metricsPort := splitHostPort(t, "server.metrics_listen", s.cfg.Server.MetricsListen)
	host, _ := splitHostPort(t, "server.metrics_listen", s.cfg.Server.MetricsListen)
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		t.Errorf("server.metrics_listen %s is loopback: the kubelet's probes cannot reach it", s.cfg.Server.MetricsListen)
	}
	for name, p := range map[string]*probe{"/healthz": s.fd.LivenessProbe, "/readyz": s.fd.ReadinessProbe} {
		if p == nil || p.HTTPGet == nil {
			t.Errorf("no httpGet probe for %s", name)
			continue
		}
		if p.HTTPGet.Path != name {
			t.Errorf("probe path %s, want %s", p.HTTPGet.Path, name)
		}
		if got := s.fd.resolvePort(p.HTTPGet.Port); got != metricsPort {
			t.Errorf("%s probe on port %q (%d), want the metrics port %d", name, p.HTTPGet.Port, got, metricsPort)
		}
	}
}

func checkResources(t *testing.T, s setup) {
	for _, c := range s.dep.Spec.Template.Spec.Containers {
		for _, r := range []string{"cpu", "memory"} {
			if c.Resources.Requests[r] == "" || c.Resources.Limits[r] == "" {
				t.Errorf("container %s: %s request %q, limit %q; want both set", c.Name, r, c.Resources.Requests[r], c.Resources.Limits[r])
			}
		}
	}
}

// checkSecrets walks the raw configuration: no secret key is given inline,
// and each KEY_file names a key of the mounted Secret (prepare has read them).
func checkSecrets(t *testing.T, s setup) {
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(s.cfgRaw), &root); err != nil {
		t.Fatal(err)
	}
	files := 0
	walkMappings(&root, func(k, v *yaml.Node) {
		base, isFile := strings.CutSuffix(k.Value, "_file")
		switch {
		case slices.Contains(secretKeys, k.Value) && v.Value != "":
			t.Errorf("line %d: %s is given inline; use %s_file and the Secret", k.Line, k.Value, k.Value)
		case isFile && slices.Contains(secretKeys, base):
			files++
			if path.Dir(v.Value) != s.secretDir {
				t.Errorf("line %d: %s %s is not in the Secret mounted at %s", k.Line, k.Value, v.Value, s.secretDir)
			}
		}
	})
	if files == 0 {
		t.Error("no secret is read from a file")
	}
	if s.cfg.Server.SecretKey == "" {
		t.Error("server.secret_key is not set: flows would not survive a restart")
	}
}

func checkStore(t *testing.T, s setup) {
	if s.cfg.Store.Driver != "sqlite" {
		return
	}
	spec := s.dep.Spec
	if spec.Replicas == nil || *spec.Replicas != 1 || spec.Strategy.Type != "Recreate" {
		t.Errorf("replicas %v, strategy %q: one SQLite file needs exactly 1 replica and Recreate", spec.Replicas, spec.Strategy.Type)
	}
	dir := path.Dir(s.cfg.Store.DSN)
	for _, v := range spec.Template.Spec.Volumes {
		if v.PersistentVolumeClaim != nil && s.fd.mount(v.Name) == dir {
			if !s.m.Claims[v.PersistentVolumeClaim.ClaimName] {
				t.Errorf("volume %s claims %s, which the file does not define", v.Name, v.PersistentVolumeClaim.ClaimName)
			}
			return
		}
	}
	t.Errorf("store.dsn %s is not on a PersistentVolumeClaim mounted at %s", s.cfg.Store.DSN, dir)
}

func checkService(t *testing.T, s setup) {
	_, listenPort := splitHostPort(t, "server.listen", s.cfg.Server.Listen)
	_, metricsPort := splitHostPort(t, "server.metrics_listen", s.cfg.Server.MetricsListen)
	if s.fd.port("http") != listenPort {
		t.Errorf("container port http is %d, server.listen is on %d", s.fd.port("http"), listenPort)
	}
	if len(s.m.Services) != 1 {
		t.Fatalf("%d Services, want 1", len(s.m.Services))
	}
	svc := s.m.Services[0]
	if !selects(svc.Spec.Selector, s.dep.Spec.Template.Metadata.Labels) {
		t.Errorf("Service selector %v does not select the pod labels %v", svc.Spec.Selector, s.dep.Spec.Template.Metadata.Labels)
	}
	for _, p := range svc.Spec.Ports {
		switch got := s.fd.resolvePort(p.TargetPort); got {
		case listenPort:
		case metricsPort:
			t.Errorf("Service port %s exposes the metrics listener", p.Name)
		default:
			t.Errorf("Service port %s targets %q, not frontdoor's listener %d", p.Name, p.TargetPort, listenPort)
		}
	}
}

// checkUpstream: a sidecar forwards over the pod's loopback to the other
// container; otherwise the upstream is another Service, never loopback.
func checkUpstream(t *testing.T, s setup, sidecar bool) {
	u, err := url.Parse(s.cfg.Upstream.URL)
	if err != nil {
		t.Fatal(err)
	}
	ip := net.ParseIP(u.Hostname())
	loopback := u.Hostname() == "localhost" || (ip != nil && ip.IsLoopback())
	if !sidecar {
		if loopback || len(s.dep.Spec.Template.Spec.Containers) != 1 {
			t.Errorf("upstream %s with %d containers: want another Service and frontdoor alone in its pod", u, len(s.dep.Spec.Template.Spec.Containers))
		}
		return
	}
	if !loopback {
		t.Fatalf("upstream %s: a sidecar forwards over the pod's loopback", u)
	}
	port, _ := strconv.Atoi(u.Port())
	for _, c := range s.dep.Spec.Template.Spec.Containers {
		for _, p := range c.Ports {
			if c.Name != "frontdoor" && p.ContainerPort == port {
				return
			}
		}
	}
	t.Errorf("upstream port %d is no port of the sign-in container", port)
}

func checkIngress(t *testing.T, s setup) {
	if len(s.m.Ingresses) != 1 {
		t.Fatalf("%d Ingresses, want 1", len(s.m.Ingresses))
	}
	pub, _ := url.Parse(s.cfg.Server.PublicURL)
	ing, svc := s.m.Ingresses[0], s.m.Services[0]
	if pub.Scheme != "https" || len(ing.Spec.TLS) == 0 || !slices.Contains(ing.Spec.TLS[0].Hosts, pub.Hostname()) {
		t.Errorf("public_url %s is not served over the Ingress's TLS", pub)
	}
	for _, r := range ing.Spec.Rules {
		if r.Host != pub.Hostname() {
			t.Errorf("Ingress rule host %s, public_url host %s", r.Host, pub.Hostname())
		}
		for _, p := range r.HTTP.Paths {
			b := p.Backend.Service
			ok := b.Name == svc.Metadata.Name && slices.ContainsFunc(svc.Spec.Ports, func(sp servicePort) bool {
				return (b.Port.Name != "" && sp.Name == b.Port.Name) || (b.Port.Number != 0 && sp.Port == b.Port.Number)
			})
			if !ok {
				t.Errorf("Ingress backend %s:%s%d is not frontdoor's Service port", b.Name, b.Port.Name, b.Port.Number)
			}
		}
	}
}

// resolvePort turns a probe's or Service's port (a name or a number) into a
// container port number.
func (c container) resolvePort(p string) int {
	if n, err := strconv.Atoi(p); err == nil {
		return n
	}
	return c.port(p)
}

func splitHostPort(t *testing.T, key, hostPort string) (string, int) {
	t.Helper()
	host, p, err := net.SplitHostPort(hostPort)
	n, err2 := strconv.Atoi(p)
	if err != nil || err2 != nil {
		t.Fatalf("%s %q is not host:port", key, hostPort)
	}
	return host, n
}

func flagValue(args []string, name string) string {
	for i, a := range args {
		if a == name && i+1 < len(args) {
			return args[i+1]
		}
		if v, ok := strings.CutPrefix(a, name+"="); ok {
			return v
		}
	}
	return ""
}

func selects(selector, labels map[string]string) bool {
	if len(selector) == 0 {
		return false
	}
	for k, v := range selector {
		if labels[k] != v {
			return false
		}
	}
	return true
}

func isTrue(b *bool) bool { return b != nil && *b }

// walkMappings calls fn for every key and value of every mapping in the tree.
func walkMappings(n *yaml.Node, fn func(k, v *yaml.Node)) {
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			fn(n.Content[i], n.Content[i+1])
		}
	}
	for _, c := range n.Content {
		walkMappings(c, fn)
	}
}
