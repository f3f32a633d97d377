package slackemu

// views.publish: the App Home.

import (
	"encoding/json"
	"strings"
)

func (s *Server) viewsPublish(p map[string]any) apiResult {
	user := str(p, "user_id")
	view, ok := p["view"].(map[string]any)
	if user == "" {
		return blocksErrResult("invalid_arguments", []string{"missing required field: user_id"})
	}
	if !ok {
		return blocksErrResult("invalid_arguments", []string{"missing required field: view"})
	}
	if t, _ := view["type"].(string); t != "home" {
		return blocksErrResult("invalid_arguments", []string{"must be home [json-pointer:/view/type]"})
	}
	blocks, ok := toMaps(view["blocks"])
	if !ok {
		return blocksErrResult("invalid_arguments", []string{"must be an array of objects [json-pointer:/view/blocks]"})
	}
	if errs := validateBlocks(blocks, maxViewBlocks, "/view/blocks"); len(errs) > 0 {
		return blocksErrResult("invalid_arguments", errs)
	}
	if raw, _ := json.Marshal(view); len(raw) > maxViewBytes {
		return errResult("view_too_large")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.users[user]; !ok {
		return errResult("user_not_found")
	}
	old := s.views[user]
	if h := str(p, "hash"); h != "" && old != nil && old["hash"] != h {
		return errResult("hash_conflict")
	}
	id := "V" + strings.ToUpper(hashID(user)[:10])
	stored := deepCopyMap(view)
	if blocks == nil {
		stored["blocks"] = []any{}
	}
	for k, v := range map[string]any{
		"private_metadata": "", "callback_id": "", "external_id": "",
		"state": map[string]any{"values": map[string]any{}},
	} {
		if _, ok := stored[k]; !ok || stored[k] == nil {
			stored[k] = v
		}
	}
	stored["id"] = id
	stored["team_id"] = s.opts.TeamID
	stored["app_id"] = s.opts.AppID
	stored["bot_id"] = s.opts.BotID
	stored["app_installed_team_id"] = s.opts.TeamID
	stored["root_view_id"] = id
	stored["previous_view_id"] = nil
	stored["hash"] = s.nextTSLocked() + "." + hashID(user)[:8]
	s.views[user] = stored
	s.publishLocked(Activity{Kind: ActivityViewPublished, User: user, View: deepCopyMap(stored)})
	s.notifyLocked()
	return okResult(map[string]any{"view": deepCopyMap(stored)})
}
