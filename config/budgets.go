package config

// Budgets are the toll-fraud limits on texts and calls, kept in the store so
// that they hold across replicas. Reaching one sends nothing more until its
// window moves on.
type Budgets struct {
	// TextsPerHour and CallsPerHour are global, across all accounts.
	TextsPerHour int `yaml:"texts_per_hour"`
	CallsPerHour int `yaml:"calls_per_hour"`
	// PerNumberPerDay bounds the texts and calls to one destination number.
	PerNumberPerDay int `yaml:"per_number_per_day"`
	// PerAccountPerHour bounds the texts and calls for one account.
	PerAccountPerHour int `yaml:"per_account_per_hour"`
	// PerCountryPerHour bounds the texts and calls to the numbers of one
	// country.
	PerCountryPerHour int `yaml:"per_country_per_hour"`
}

func (c *Config) applyBudgets() {
	b := &c.Budgets
	for _, d := range []struct {
		v   *int
		def int
	}{{&b.TextsPerHour, 200}, {&b.CallsPerHour, 100}, {&b.PerNumberPerDay, 5}, {&b.PerAccountPerHour, 5}, {&b.PerCountryPerHour, 100}} {
		if *d.v == 0 {
			*d.v = d.def
		}
	}
}

func (c *Config) validateBudgets(p *Problems) {
	b := c.Budgets
	for _, k := range []struct {
		key string
		v   int
	}{{"texts_per_hour", b.TextsPerHour}, {"calls_per_hour", b.CallsPerHour}, {"per_number_per_day", b.PerNumberPerDay},
		{"per_account_per_hour", b.PerAccountPerHour}, {"per_country_per_hour", b.PerCountryPerHour}} {
		if k.v < 1 || k.v > 1_000_000 {
			p.add("budgets."+k.key, "must be between 1 and 1000000")
		}
	}
}
