package slackemu

import (
	"slices"
	"strconv"
)

// metadataParam is chat.postMessage's metadata ({"event_type", "event_payload"}),
// or nil.
func metadataParam(p map[string]any) map[string]any {
	m, ok := p["metadata"].(map[string]any)
	if !ok {
		return nil
	}
	return deepCopyMap(m)
}

// conversationsHistory serves conversations.history: top-level messages,
// newest first, from oldest and up to limit (default 100). Threads are
// conversations.replies (threads.go).
// Ephemerals, response_url replies and deleted messages are not history.
// Message metadata is returned when include_all_metadata is set.
func (s *Server) conversationsHistory(p map[string]any) apiResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.resolveChannelLocked(str(p, "channel"))
	if !ok {
		return errResult("channel_not_found")
	}
	oldest, _ := strconv.ParseFloat(str(p, "oldest"), 64)
	limit, _ := strconv.Atoi(str(p, "limit"))
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	meta := str(p, "include_all_metadata") == "1" || str(p, "include_all_metadata") == "true"
	var out []any
	for _, m := range s.history[c.ID] {
		if m.Deleted || m.Ephemeral || m.ResponseType != "" {
			continue
		}
		if ts, _ := strconv.ParseFloat(m.TS, 64); ts < oldest {
			continue
		}
		if m.ThreadTS != "" && m.ThreadTS != m.TS {
			continue
		}
		j := s.messageJSONLocked(m)
		if meta && m.Metadata != nil {
			j["metadata"] = deepCopyMap(m.Metadata)
		}
		out = append(out, j)
	}
	slices.Reverse(out)
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	if out == nil {
		out = []any{}
	}
	return okResult(map[string]any{"messages": out, "has_more": more})
}
