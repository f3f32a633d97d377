package config

import (
	"strings"
	"testing"
)

func TestSlackUXSettings(t *testing.T) {
	c, err := Load(env(map[string]string{
		"AUTO_ANSWER_CHANNELS": "C0HELP, #ask-backend",
		"EXPERTS":              "dba:S0DBA, @Alice:U0ALICE",
		"DEFAULT_EXPERTS":      "U0BOB",
		"PUBLIC_URL":           "https://kbbot.example.com",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.AutoAnswerChannels, ","); got != "C0HELP,ask-backend" {
		t.Errorf("AUTO_ANSWER_CHANNELS: got %s", got)
	}
	if c.Experts["dba"] != "S0DBA" || c.Experts["alice"] != "U0ALICE" || len(c.DefaultExperts) != 1 || !c.AskExperts() {
		t.Errorf("experts: got %v, defaults %v", c.Experts, c.DefaultExperts)
	}
	_, err = Load(env(map[string]string{"EXPERTS": "dba", "DEFAULT_EXPERTS": "<!channel>", "PUBLIC_URL": "kbbot.local"}))
	for _, want := range []string{"EXPERTS:", "DEFAULT_EXPERTS:", "PUBLIC_URL:"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("got %v, want an error naming %s", err, want)
		}
	}
}
