package slackemu

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestValidateBlocks(t *testing.T) {
	button := func(text, actionID, value string) string {
		return `{"type":"button","text":{"type":"plain_text","text":"` + text + `"},"action_id":"` + actionID + `","value":"` + value + `"}`
	}
	n := func(k int, item string) string { return strings.TrimSuffix(strings.Repeat(item+",", k), ",") }
	tests := []struct {
		name   string
		blocks string
		want   string // substring of one error; "" for valid
	}{
		{"valid message", `[{"type":"header","text":{"type":"plain_text","text":"Hi"}},
			{"type":"section","text":{"type":"mrkdwn","text":"*x*"}},{"type":"divider"},
			{"type":"context","elements":[{"type":"mrkdwn","text":"src"}]},
			{"type":"actions","block_id":"fb","elements":[` + button("Up", "up", "1") + `]}]`, ""},
		{"header too long", `[{"type":"header","text":{"type":"plain_text","text":"` + strings.Repeat("h", 151) + `"}}]`,
			"must be less than 151 characters [json-pointer:/blocks/0/text/text]"},
		{"header mrkdwn", `[{"type":"header","text":{"type":"mrkdwn","text":"h"}}]`, "must be plain_text [json-pointer:/blocks/0/text/type]"},
		{"section bad text type", `[{"type":"section","text":{"type":"markdown","text":"x"}}]`, "must be one of plain_text, mrkdwn"},
		{"section empty text", `[{"type":"section","text":{"type":"mrkdwn","text":""}}]`, "must be more than 0 characters"},
		{"section 11 fields", `[{"type":"section","fields":[` + n(11, `{"type":"mrkdwn","text":"f"}`) + `]}]`,
			"no more than 10 items allowed [json-pointer:/blocks/0/fields]"},
		{"context 11 elements", `[{"type":"context","elements":[` + n(11, `{"type":"mrkdwn","text":"c"}`) + `]}]`,
			"no more than 10 items allowed [json-pointer:/blocks/0/elements]"},
		{"actions 26 elements", `[{"type":"actions","elements":[` + n(26, button("b", "a", "v")) + `]}]`,
			"no more than 25 items allowed [json-pointer:/blocks/0/elements]"},
		{"button text 76", `[{"type":"actions","elements":[` + button(strings.Repeat("t", 76), "a", "v") + `]}]`,
			"must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]"},
		{"action_id 256", `[{"type":"actions","elements":[` + button("b", strings.Repeat("a", 256), "v") + `]}]`,
			"[json-pointer:/blocks/0/elements/0/action_id]"},
		{"value 2001", `[{"type":"actions","elements":[` + button("b", "a", strings.Repeat("v", 2001)) + `]}]`,
			"[json-pointer:/blocks/0/elements/0/value]"},
		{"block_id 256", `[{"type":"divider","block_id":"` + strings.Repeat("i", 256) + `"}]`,
			"must be less than 256 characters [json-pointer:/blocks/0/block_id]"},
		{"unknown type", `[{"type":"sparkle"}]`, "unsupported block type `sparkle`"},
		{"emoji on mrkdwn", `[{"type":"section","text":{"type":"mrkdwn","text":"x","emoji":true}}]`, "emoji"},
		{"markdown block 12001", `[{"type":"markdown","text":"` + strings.Repeat("m", 12001) + `"}]`, "must be less than 12001"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var blocks []map[string]any
			if err := json.Unmarshal([]byte(tc.blocks), &blocks); err != nil {
				t.Fatalf("test JSON: %v", err)
			}
			errs := validateBlocks(blocks, maxMessageBlocks, "/blocks")
			if tc.want == "" {
				if len(errs) != 0 {
					t.Errorf("got %v, want valid", errs)
				}
				return
			}
			for _, e := range errs {
				if strings.Contains(e, tc.want) {
					return
				}
			}
			t.Errorf("got %v, want an error containing %q", errs, tc.want)
		})
	}
}
