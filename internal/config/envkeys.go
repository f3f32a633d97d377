package config

import (
	"fmt"
	"sort"
	"strings"
)

// Variables is every variable kbbot reads: those with defaults, the Slack
// secrets (which have none) and KBBOT_ENV_FILE.
func Variables() []string {
	out := []string{"SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "KBBOT_ENV_FILE"}
	for k := range Defaults {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// checkEnvKeys refuses keys in a .env file that look like a mistyped kbbot
// variable: one starting with SLACK_ or KBBOT_, or within two edits of a
// known name (SLACK_BOT_TOKN, MAX_RESULT). A typo would otherwise be
// ignored silently and its default used (with no SLACK_BOT_TOKEN, the
// playground starts instead of Slack). Other keys are left alone: a .env
// is often shared with other tools.
func checkEnvKeys(path string, vals map[string]string) error {
	known := Variables()
	isKnown := map[string]bool{}
	for _, k := range known {
		isKnown[k] = true
	}
	var bad []string
	for k := range vals {
		if isKnown[k] {
			continue
		}
		near, d := nearest(k, known)
		upper := strings.ToUpper(k)
		if d <= 2 || strings.HasPrefix(upper, "SLACK_") || strings.HasPrefix(upper, "KBBOT_") {
			bad = append(bad, fmt.Sprintf("%s: %s is not a kbbot variable; did you mean %s?", path, k, near))
		}
	}
	if len(bad) == 0 {
		return nil
	}
	sort.Strings(bad)
	return fmt.Errorf("%s", strings.Join(bad, "\n"))
}

// nearest is the known name closest to k (case-insensitive edit distance).
func nearest(k string, known []string) (string, int) {
	best, bestD := "", 1<<30
	for _, n := range known {
		if d := editDistance(strings.ToUpper(k), n); d < bestD {
			best, bestD = n, d
		}
	}
	return best, bestD
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
