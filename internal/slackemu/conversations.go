package slackemu

// conversations.info. History is history.go, threads threads.go.

func (s *Server) conversationsInfo(p map[string]any) apiResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.channels[str(p, "channel")]
	if !ok {
		return errResult("channel_not_found")
	}
	var ch map[string]any
	if c.IsIM {
		ch = map[string]any{
			"id": c.ID, "created": 1700000000, "is_im": true, "is_org_shared": false,
			"user": c.User, "is_user_deleted": false, "priority": 0,
		}
	} else {
		ch = map[string]any{
			"id": c.ID, "name": c.Name, "name_normalized": c.Name,
			"is_channel": !c.IsPrivate, "is_group": c.IsPrivate, "is_im": false, "is_mpim": false,
			"is_private": c.IsPrivate, "is_archived": false, "is_general": c.Name == "general",
			"is_member": true, "created": 1700000000, "creator": "U0ALICE",
			"topic":   map[string]any{"value": "", "creator": "", "last_set": 0},
			"purpose": map[string]any{"value": "", "creator": "", "last_set": 0},
		}
		if boolParam(p, "include_num_members") {
			ch["num_members"] = len(s.users)
		}
	}
	if boolParam(p, "include_locale") {
		ch["locale"] = "en-US"
	}
	return okResult(map[string]any{"channel": ch})
}
