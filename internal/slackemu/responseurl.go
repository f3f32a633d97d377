package slackemu

// response_url: the URLs interaction and slash-command payloads carry.

import (
	"encoding/json"
	"net/http"
	"time"
)

// handleResponseURL serves POST /response/<id>: replies to a slash command or
// an interaction.
func (s *Server) handleResponseURL(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	call := Call{Method: "response_url", At: time.Now()}
	params, token, _, perr := readParams(r)
	if pl, ok := params["payload"].(string); ok && len(params) == 1 {
		// form-encoded payload=<json>
		var m map[string]any
		if json.Unmarshal([]byte(pl), &m) == nil {
			params = m
		}
	}
	params["response_url_id"] = id
	call.Params, call.Token = params, token

	res, faulted := s.applyFault(r, s.takeFault("response_url"))
	if !faulted {
		if perr != nil {
			res = apiResult{status: http.StatusBadRequest, text: "invalid_payload"}
		} else {
			res = s.respond(id, params)
		}
	}
	writeResult(w, res)
	call.Status = res.status
	if res.body != nil {
		call.Response = deepCopyMap(res.body)
	} else {
		call.Error = res.text
		if call.Error == "" {
			call.Error = http.StatusText(res.status)
		}
	}
	s.recordCall(call)
}

func (s *Server) respond(id string, p map[string]any) apiResult {
	mc, bad := readContent(p, maxMessageBlocks)
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.responses[id]
	switch {
	case t == nil:
		return apiResult{status: http.StatusNotFound, text: "no_service"}
	case time.Since(t.created) > 30*time.Minute:
		return apiResult{status: http.StatusNotFound, text: "expired_url"}
	case t.uses >= 5:
		return apiResult{status: http.StatusNotFound, text: "used_url"}
	}
	if bad != nil {
		code, _ := bad.body["error"].(string)
		return apiResult{status: http.StatusBadRequest, text: code}
	}
	t.uses++
	if boolParam(p, "delete_original") {
		if m := s.findMessageLocked(t.channel, t.messageTS); m != nil && !m.Deleted {
			m.Deleted = true
			s.publishLocked(Activity{Kind: ActivityDeleted, Message: copyMessage(m)})
			s.notifyLocked()
		}
		return okResult(map[string]any{})
	}
	if mc.empty() {
		t.uses--
		return apiResult{status: http.StatusBadRequest, text: "no_text"}
	}
	if boolParam(p, "replace_original") {
		if m := s.findMessageLocked(t.channel, t.messageTS); m != nil && !m.Deleted {
			m.Text = mc.text
			m.Blocks = mc.blocks
			if mc.hasAttachments {
				m.Attachments = mc.attachments
			}
			m.Updated = true
			s.publishLocked(Activity{Kind: ActivityUpdated, Message: copyMessage(m)})
			s.notifyLocked()
			return okResult(map[string]any{})
		}
	}
	s.postResponseLocked(t, str(p, "response_type"), mc.text, mc.blocks, str(p, "thread_ts"))
	return okResult(map[string]any{})
}

// postResponseLocked posts a reply to a command or interaction: ephemeral to
// the user unless responseType is "in_channel".
func (s *Server) postResponseLocked(t *responseTarget, responseType, text string, blocks []map[string]any, threadTS string) {
	if responseType != "in_channel" {
		responseType = "ephemeral"
	}
	if threadTS == "" {
		threadTS = t.threadTS
	}
	m := &Message{
		Channel: t.channel, TS: s.nextTSLocked(), ThreadTS: threadTS,
		User: s.opts.BotUserID, BotID: s.opts.BotID, Text: text, Blocks: blocks,
		ResponseType: responseType,
	}
	if responseType == "ephemeral" {
		m.Ephemeral, m.VisibleTo = true, t.user
	}
	if t.command {
		t.messageTS = m.TS // a command's replace_original replaces its last reply
	}
	s.storeMessageLocked(m)
}
