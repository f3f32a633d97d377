package config

import (
	"fmt"
	"strings"
)

// loadSlackUX reads the settings of the help-channel and hand-over features.
func (c *Config) loadSlackUX(get func(string) string) []error {
	var errs []error
	list := func(k string) []string {
		return strings.FieldsFunc(get(k), func(r rune) bool { return r == ',' || r == ' ' })
	}
	for _, ch := range list("AUTO_ANSWER_CHANNELS") {
		c.AutoAnswerChannels = append(c.AutoAnswerChannels, strings.TrimPrefix(ch, "#"))
	}
	for _, id := range list("DEFAULT_EXPERTS") {
		if !validExpertID(id) {
			errs = append(errs, fmt.Errorf("DEFAULT_EXPERTS: %q is not a Slack user ID (U012ABCDEF) or user group ID (S012ABCDEF)", id))
			continue
		}
		c.DefaultExperts = append(c.DefaultExperts, id)
	}
	for _, pair := range list("EXPERTS") {
		name, id, ok := strings.Cut(pair, ":")
		name = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(name), "@"))
		if !ok || name == "" || !validExpertID(id) {
			errs = append(errs, fmt.Errorf("EXPERTS: want name:ID pairs such as dba:S012ABCDEF,alice:U012ABCDEF, got %q", pair))
			continue
		}
		if c.Experts == nil {
			c.Experts = map[string]string{}
		}
		c.Experts[name] = id
	}
	return errs
}

// AskExperts reports whether Ask an expert is on: someone to ask is configured.
func (c Config) AskExperts() bool { return len(c.Experts) > 0 || len(c.DefaultExperts) > 0 }

func validExpertID(id string) bool {
	return validUserID(id) || len(id) > 2 && id[0] == 'S' && validUserID("U"+id[1:])
}
