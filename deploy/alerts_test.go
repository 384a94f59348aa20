package deploy

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/frontdoor-sspr/frontdoor/proxy"
	"github.com/frontdoor-sspr/frontdoor/telemetry"
)

type ruleFile struct {
	Groups []struct {
		Name  string `yaml:"name"`
		Rules []struct {
			Alert       string            `yaml:"alert"`
			Expr        string            `yaml:"expr"`
			For         string            `yaml:"for"`
			Labels      map[string]string `yaml:"labels"`
			Annotations map[string]string `yaml:"annotations"`
		} `yaml:"rules"`
	} `yaml:"groups"`
}

// TestAlertRules: every rule in prometheus/alerts.yaml has a name, a
// severity, a summary and a description, a valid "for", and reads only
// metrics and labels that frontdoor serves, with route classes that exist.
// A rule on a renamed metric would never fire; this test fails instead.
func TestAlertRules(t *testing.T) {
	b, err := os.ReadFile("prometheus/alerts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var f ruleFile
	if err := yaml.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	served := servedMetrics(t)
	classes := map[string]bool{proxy.ClassUpstream: true, proxy.ClassSignIn: true, proxy.ClassFrontdoor: true,
		proxy.ClassIntercepted: true, proxy.ClassRefused: true}
	metricRE := regexp.MustCompile(`\b(frontdoor_[a-z_]+)(\{[^}]*\})?`)
	matcherRE := regexp.MustCompile(`([a-z_]+)\s*(=~|!~|!=|=)\s*"([^"]*)"`)
	n := 0
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			n++
			if r.Alert == "" || r.Expr == "" || r.Annotations["summary"] == "" || r.Annotations["description"] == "" {
				t.Errorf("rule %q: name, expr, summary and description are required", r.Alert)
			}
			if s := r.Labels["severity"]; s != "warning" && s != "critical" {
				t.Errorf("%s: severity %q", r.Alert, s)
			}
			if _, err := time.ParseDuration(r.For); err != nil {
				t.Errorf("%s: for %q: %v", r.Alert, r.For, err)
			}
			uses := metricRE.FindAllStringSubmatch(r.Expr, -1)
			if len(uses) == 0 {
				t.Errorf("%s reads no frontdoor metric", r.Alert)
			}
			for _, u := range uses {
				labels, ok := served[u[1]]
				if !ok {
					t.Errorf("%s reads %s, which frontdoor does not serve", r.Alert, u[1])
					continue
				}
				for _, m := range matcherRE.FindAllStringSubmatch(u[2], -1) {
					if !labels[m[1]] {
						t.Errorf("%s matches label %q, which %s does not have", r.Alert, m[1], u[1])
					}
					if m[1] == "class" {
						for _, c := range strings.Split(m[3], "|") {
							if !classes[c] {
								t.Errorf("%s matches route class %q, which does not exist", r.Alert, c)
							}
						}
					}
				}
			}
		}
	}
	if n < 5 {
		t.Fatalf("%d rules read; want the file's five", n)
	}
}

// servedMetrics returns the names of the metrics frontdoor serves, with
// their labels, after one observation of each.
func servedMetrics(t *testing.T) map[string]map[string]bool {
	m := telemetry.New()
	m.Observe(proxy.ClassUpstream, 200, time.Millisecond)
	m.Mail("code", "sent")
	m.Busy()
	m.Waiting(1)
	families, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]bool{}
	for _, f := range families {
		labels := map[string]bool{"instance": true, "job": true} // added by Prometheus
		for _, metric := range f.GetMetric() {
			for _, l := range metric.GetLabel() {
				labels[l.GetName()] = true
			}
		}
		out[f.GetName()] = labels
		for _, suffix := range []string{"_bucket", "_sum", "_count"} { // histograms
			out[f.GetName()+suffix] = labels
		}
	}
	return out
}
