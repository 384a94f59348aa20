package telemetry

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds frontdoor's collectors in a registry of their own.
type Metrics struct {
	Registry *prometheus.Registry
	requests *prometheus.CounterVec
	upstream *prometheus.HistogramVec
	waiting  prometheus.Gauge
	busy     prometheus.Counter
	mail     *prometheus.CounterVec
}

// New registers frontdoor's collectors and the Go runtime's.
func New() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "frontdoor",
			Name:      "http_requests_total",
			Help:      "Requests served, by route class (upstream, signin, frontdoor, intercepted, refused) and status code.",
		}, []string{"class", "code"}),
		upstream: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "frontdoor",
			Name:      "upstream_duration_seconds",
			Help:      "Time from forwarding a request to the upstream until its response was copied, by route class.",
			Buckets:   []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"class"}),
		waiting: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "frontdoor",
			Name:      "requests_waiting",
			Help:      "Requests to frontdoor's own pages waiting for their turn (server.max_concurrent).",
		}),
		busy: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "frontdoor",
			Name:      "requests_busy_total",
			Help:      "Requests to frontdoor's own pages answered 503 after waiting server.queue_timeout for their turn.",
		}),
	}
	m.mail = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "frontdoor",
		Name:      "mail_total",
		Help:      "Emails (codes, notices, helpdesk requests, alerts) by kind and outcome: sent, failed (after the retries) or dropped (the queue was full or closed).",
	}, []string{"kind", "outcome"})
	m.Registry.MustRegister(m.requests, m.upstream, m.waiting, m.busy, m.mail,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Observe records one request; d is zero for requests that never reached the upstream.
func (m *Metrics) Observe(class string, status int, d time.Duration) {
	m.requests.WithLabelValues(class, statusText(status)).Inc()
	if d > 0 {
		m.upstream.WithLabelValues(class).Observe(d.Seconds())
	}
}

// Mail counts one email of kind (the template's name) by its outcome:
// "sent", "failed" or "dropped".
func (m *Metrics) Mail(kind, outcome string) { m.mail.WithLabelValues(kind, outcome).Inc() }

// mailOutcomes are the outcomes Mail counts.
var mailOutcomes = [...]string{"sent", "failed", "dropped"}

// StartMailCounts starts the counts of every outcome of every kind at zero,
// so that a rule on their increase sees the first failure after a start: a
// series that appears at 1 has no increase.
func (m *Metrics) StartMailCounts(kinds []string) {
	for _, k := range kinds {
		for _, o := range mailOutcomes {
			m.mail.WithLabelValues(k, o)
		}
	}
}

// Waiting counts requests starting (+1) or ending (-1) a wait for their turn.
func (m *Metrics) Waiting(delta int) { m.waiting.Add(float64(delta)) }

// Busy counts a request turned away after waiting for its turn.
func (m *Metrics) Busy() { m.busy.Inc() }

// statusTexts are the label values of the status codes, made once: the label
// is set on every request.
var statusTexts = func() (t [600]string) {
	for i := range t {
		t[i] = strconv.Itoa(i)
	}
	return t
}()

func statusText(status int) string {
	if status >= 0 && status < len(statusTexts) {
		return statusTexts[status]
	}
	return strconv.Itoa(status)
}

// NotReady names the parts that are down, such as "directory": /readyz
// shows their names, never the errors, which stay in the log.
type NotReady []string

func (n NotReady) Error() string { return "not ready: " + strings.Join(n, ", ") }

// Handler serves /metrics, /healthz (the process is up) and /readyz (ready
// reports nil: the store and whatever else serving needs answer).
func (m *Metrics) Handler(ready func(context.Context) error) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := ready(ctx); err != nil {
			msg := "not ready"
			var nr NotReady
			if errors.As(err, &nr) {
				msg += ": " + strings.Join(nr, ", ")
			}
			http.Error(w, msg, http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ok\n"))
	})
	return mux
}
