package config

import "time"

// DefaultIdentifyFloor is the least time the user ID step of reset and
// unlock takes, so that its duration does not tell a known account from an
// unknown ID; the step also takes as long as its slowest recent runs
// (flows/gate.Floor), which follows a directory slower than this.
const DefaultIdentifyFloor = 300 * time.Millisecond

// maxIdentifyFloor bounds reset.identify_floor: every user waits it.
const maxIdentifyFloor = 5 * time.Second

func (c *Config) applyTimingDefaults() {
	if r := c.Reset; r != nil && r.IdentifyFloor == 0 {
		r.IdentifyFloor = Duration(DefaultIdentifyFloor)
	}
}

func (c *Config) validateTiming(p *Problems) {
	if r := c.Reset; r != nil {
		if f := r.IdentifyFloor.D(); f <= 0 || f > maxIdentifyFloor {
			p.add("reset.identify_floor", "must be more than 0 and at most %s, got %s", maxIdentifyFloor, f)
		}
	}
}
