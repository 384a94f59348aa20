package config

import (
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// Phone says where accounts' phone numbers are and which ones frontdoor may
// text or call (package phone parses them).
type Phone struct {
	// MobileAttribute and OfficeAttribute name the directory attributes of
	// the mobile and the office number; empty keeps the directory's own
	// (directory.attributes.mobile and .phone: mobile, telephoneNumber).
	MobileAttribute string `yaml:"mobile_attribute"`
	OfficeAttribute string `yaml:"office_attribute"`
	// DefaultRegion is the ISO 3166 region of numbers written without a
	// country code ("US"); empty accepts international numbers only.
	DefaultRegion string `yaml:"default_region"`
	// AllowedCountries are the regions frontdoor may text or call; empty
	// allows every region (not advised: toll fraud targets premium ranges).
	AllowedCountries []string `yaml:"allowed_countries"`

	conflict string // set by applyPhone: the directory names other attributes
}

// phoneAttributes is implemented by directory backends whose attributes the
// phone section may name (the LDAP backend).
type phoneAttributes interface {
	// UsePhoneAttributes sets the attributes of the mobile and office
	// numbers, each when not empty; it returns the key of a directory
	// setting that names another attribute, or "".
	UsePhoneAttributes(mobile, office string) string
}

// applyPhone hands the phone section's attribute names to the directory.
func (c *Config) applyPhone() {
	p := c.Phone
	if p == nil || c.Directory == nil || (p.MobileAttribute == "" && p.OfficeAttribute == "") {
		return
	}
	if b, ok := c.Directory.Backend.(phoneAttributes); ok {
		p.conflict = b.UsePhoneAttributes(p.MobileAttribute, p.OfficeAttribute)
	}
}

func (c *Config) validatePhone(p *Problems) {
	ph := c.Phone
	if ph == nil {
		return
	}
	if ph.conflict != "" {
		p.add("phone", "names other attributes than directory.%s; set them in one place", ph.conflict)
	}
	if (ph.MobileAttribute != "" || ph.OfficeAttribute != "") && c.Directory != nil {
		if _, ok := c.Directory.Backend.(phoneAttributes); !ok {
			p.add("phone.mobile_attribute", "the %s directory has no attributes to name", c.Directory.Type)
		}
	}
	regions := phonenumbers.GetSupportedRegions()
	if r := ph.DefaultRegion; r != "" && !regions[strings.ToUpper(r)] {
		p.add("phone.default_region", "%q is not a region code such as US, GB or FR", r)
	}
	for i, r := range ph.AllowedCountries {
		if !regions[strings.ToUpper(r)] {
			p.add(idx("phone.allowed_countries", i), "%q is not a region code such as US, GB or FR", r)
		}
	}
}
