// Package deploy holds frontdoor's Kubernetes manifests (kubernetes/) and the
// test that checks them: the frontdoor container runs as a non-root user on a
// read-only root filesystem, its probes reach /healthz and /readyz on the
// metrics port, its configuration comes from a ConfigMap and its secrets from
// a Secret through *_file keys, its resources are bounded, and the
// configuration embedded in each ConfigMap passes config.Read and Validate.
// prometheus/alerts.yaml holds alerting rules on frontdoor's metrics; its test
// checks that they read metrics, labels and route classes frontdoor serves.
//
// The package has no Go code of its own; the manifests are the product.
package deploy
