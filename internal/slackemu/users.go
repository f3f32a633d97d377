package slackemu

// users.info.

func (s *Server) usersInfo(p map[string]any) apiResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[str(p, "user")]
	if !ok {
		return errResult("user_not_found")
	}
	profile := map[string]any{
		"real_name":               u.RealName,
		"real_name_normalized":    u.RealName,
		"display_name":            u.Name,
		"display_name_normalized": u.Name,
		"team":                    s.opts.TeamID,
	}
	if u.IsBot {
		profile["bot_id"] = s.opts.BotID
		profile["api_app_id"] = s.opts.AppID
	} else {
		profile["email"] = u.Name + "@example.com"
	}
	user := map[string]any{
		"id": u.ID, "team_id": s.opts.TeamID, "name": u.Name, "deleted": u.Deleted,
		"color": "9f69e7", "real_name": u.RealName, "tz": u.TZ, "tz_label": u.TZ, "tz_offset": 0,
		"profile": profile, "is_admin": u.IsAdmin, "is_owner": u.IsOwner, "is_primary_owner": false,
		"is_restricted": false, "is_ultra_restricted": false, "is_bot": u.IsBot, "is_app_user": false,
		"updated": 1700000000,
	}
	if boolParam(p, "include_locale") {
		user["locale"] = "en-US"
	}
	return okResult(map[string]any{"user": user})
}
