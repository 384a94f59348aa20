// Package config holds frontdoor's typed configuration tree: one YAML file,
// decoded strictly (unknown keys are errors), with ${ENV} substitution, *_file
// secret indirection, defaults, upstream presets, and a Validate that returns
// every problem at once with its key path.
//
// config is a leaf package: the other packages take the part of the tree they
// need, so the file's shape is documented in one place (config.example.yaml).
package config
