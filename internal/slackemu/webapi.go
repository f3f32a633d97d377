package slackemu

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Fault makes the next Times calls to a method misbehave.
type Fault struct {
	// Status is the HTTP status to answer: 429 adds a Retry-After header and
	// {"ok":false,"error":"ratelimited"}; 5xx answers with an HTML body.
	// 0 with Error set answers HTTP 200 {"ok":false,"error":Error}.
	Status int
	// RetryAfter goes in the Retry-After header of a 429, in whole seconds
	// rounded up (at least 1).
	RetryAfter time.Duration
	// Error is the Slack error code to return, such as "invalid_blocks".
	Error string
	// Delay holds the response back; with no Status or Error the call then
	// proceeds normally (a slow response).
	Delay time.Duration
	// Times is how many calls the fault affects: default 1, negative for every
	// call until ClearFaults.
	Times int
	// Applied makes the call take effect first and fail only in its answer:
	// the message is posted, the client sees the error (an ambiguous
	// failure, as when Slack's edge times out on a slow backend).
	Applied bool
}

type faultState struct {
	Fault
	left int // < 0: forever
}

// InjectFault makes upcoming calls to method ("chat.postMessage",
// "apps.connections.open", "response_url"...) fail as f says. Faults for one
// method queue up in order.
func (s *Server) InjectFault(method string, f Fault) {
	left := f.Times
	if left == 0 {
		left = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[method] = append(s.faults[method], &faultState{Fault: f, left: left})
}

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = map[string][]*faultState{}
}

func (s *Server) takeFault(method string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.faults[method]
	if len(q) == 0 {
		return nil
	}
	f := q[0]
	if f.left > 0 {
		f.left--
		if f.left == 0 {
			s.faults[method] = q[1:]
		}
	}
	fc := f.Fault
	return &fc
}

// apiResult is what a method answers.
type apiResult struct {
	status int
	header http.Header
	body   map[string]any // JSON body
	text   string         // non-JSON body, when body is nil
}

func okResult(body map[string]any) apiResult {
	body["ok"] = true
	return apiResult{status: http.StatusOK, body: body}
}

func errResult(code string) apiResult {
	return apiResult{status: http.StatusOK, body: map[string]any{"ok": false, "error": code}}
}

func blocksErrResult(code string, errs []string) apiResult {
	msgs := make([]any, len(errs))
	errList := make([]any, len(errs))
	for i, e := range errs {
		msgs[i] = "[ERROR] " + e
		errList[i] = e
	}
	r := errResult(code)
	r.body["errors"] = errList
	r.body["response_metadata"] = map[string]any{"messages": msgs}
	return r
}

// applyFault waits out f's delay and returns its answer, if it has one.
func (s *Server) applyFault(r *http.Request, f *Fault) (apiResult, bool) {
	if f == nil {
		return apiResult{}, false
	}
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
		case <-s.quit:
			t.Stop()
		}
	}
	switch {
	case f.Status == http.StatusTooManyRequests:
		secs := int(math.Ceil(f.RetryAfter.Seconds()))
		res := errResult(cmpOr(f.Error, "ratelimited"))
		res.status = http.StatusTooManyRequests
		res.header = http.Header{"Retry-After": {strconv.Itoa(max(secs, 1))}}
		return res, true
	case f.Status >= 300 || (f.Status > 0 && f.Status < 200):
		return apiResult{status: f.Status, text: fmt.Sprintf("<html><body><h1>%d %s</h1></body></html>",
			f.Status, http.StatusText(f.Status))}, true
	case f.Error != "":
		return errResult(f.Error), true
	}
	return apiResult{}, false
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func writeResult(w http.ResponseWriter, res apiResult) {
	for k, vs := range res.header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	if res.body == nil {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(res.status)
		_, _ = io.WriteString(w, res.text)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(res.status)
	_ = json.NewEncoder(w).Encode(res.body)
}

// readParams reads form or JSON parameters and the token (Authorization
// header first, then the token field). blocks, attachments, metadata and view
// form fields are JSON-decoded.
func readParams(r *http.Request) (params map[string]any, token string, fromHeader bool, err error) {
	params = map[string]any{}
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		token, fromHeader = strings.TrimSpace(strings.TrimPrefix(h, "Bearer ")), true
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var form url.Values
	switch ct {
	case "application/json":
		body, rerr := io.ReadAll(io.LimitReader(r.Body, 10<<20))
		if rerr != nil {
			return params, token, fromHeader, fmt.Errorf("read body: %w", rerr)
		}
		if len(strings.TrimSpace(string(body))) > 0 {
			if jerr := json.Unmarshal(body, &params); jerr != nil {
				return map[string]any{}, token, fromHeader, fmt.Errorf("decode JSON body: %w", jerr)
			}
		}
		if params == nil {
			params = map[string]any{}
		}
		form = r.URL.Query()
	case "multipart/form-data":
		if perr := r.ParseMultipartForm(10 << 20); perr != nil {
			return params, token, fromHeader, fmt.Errorf("parse multipart form: %w", perr)
		}
		form = r.Form
	default:
		if perr := r.ParseForm(); perr != nil {
			return params, token, fromHeader, fmt.Errorf("parse form: %w", perr)
		}
		form = r.Form
	}
	for k, vs := range form {
		if _, ok := params[k]; ok || len(vs) == 0 {
			continue
		}
		if len(vs) == 1 {
			params[k] = vs[0]
			continue
		}
		all := make([]any, len(vs))
		for i, v := range vs {
			all[i] = v
		}
		params[k] = all
	}
	for _, k := range []string{"blocks", "attachments", "metadata", "view"} {
		if str, ok := params[k].(string); ok {
			t := strings.TrimSpace(str)
			if strings.HasPrefix(t, "[") || strings.HasPrefix(t, "{") || t == "null" {
				var v any
				if json.Unmarshal([]byte(t), &v) == nil {
					params[k] = v
				}
			}
		}
	}
	if t, ok := params["token"].(string); ok {
		if token == "" {
			token = t
		}
		delete(params, "token")
	}
	return params, token, fromHeader, nil
}

// str returns a parameter as a string ("" if absent).
func str(p map[string]any, k string) string {
	switch v := p[k].(type) {
	case string:
		return v
	case nil:
		return ""
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}

func boolParam(p map[string]any, k string) bool {
	switch v := p[k].(type) {
	case bool:
		return v
	case string:
		b, _ := strconv.ParseBool(v)
		return b
	}
	return false
}

// handleAPI serves /api/<method>.
func (s *Server) handleAPI(w http.ResponseWriter, r *http.Request) {
	s.learnBaseURL(r)
	method := r.PathValue("method")
	call := Call{Method: method, At: time.Now()}
	params, token, fromHeader, perr := readParams(r)
	call.Params, call.Token = params, token

	fault := s.takeFault(method)
	if fault != nil && fault.Applied && perr == nil {
		_ = s.serveMethod(r, method, params, token, fromHeader)
	}
	res, faulted := s.applyFault(r, fault)
	if !faulted {
		if perr != nil {
			res = errResult("invalid_form_data")
			if strings.Contains(perr.Error(), "JSON") {
				res = errResult("invalid_json")
			}
		} else {
			res = s.serveMethod(r, method, params, token, fromHeader)
		}
	}
	writeResult(w, res)
	call.Status = res.status
	if res.body != nil {
		call.Response = deepCopyMap(res.body)
		if ok, _ := res.body["ok"].(bool); !ok {
			call.Error, _ = res.body["error"].(string)
		}
	} else {
		call.Error = http.StatusText(res.status)
	}
	s.log.Debug().Str("method", method).Int("status", call.Status).Str("error", call.Error).Msg("api call")
	s.recordCall(call)
}

func (s *Server) serveMethod(r *http.Request, method string, p map[string]any, token string, fromHeader bool) apiResult {
	if method == "apps.connections.open" {
		switch {
		case token == "":
			return errResult("not_authed")
		case !fromHeader || token != s.opts.AppToken:
			// Slack wants the app-level token in the Authorization header.
			return errResult("invalid_auth")
		}
		return s.connectionsOpen(r)
	}
	switch {
	case token == "":
		return errResult("not_authed")
	case token != s.opts.BotToken:
		return errResult("invalid_auth")
	}
	switch method {
	case "auth.test":
		return s.authTest()
	case "chat.postMessage":
		return s.postMessage(p)
	case "chat.postEphemeral":
		return s.postEphemeral(p)
	case "chat.update":
		return s.chatUpdate(p)
	case "chat.delete":
		return s.chatDelete(p)
	case "views.publish":
		return s.viewsPublish(p)
	case "users.info":
		return s.usersInfo(p)
	case "conversations.info":
		return s.conversationsInfo(p)
	case "conversations.replies":
		return s.conversationsReplies(p) // threads.go
	case "conversations.history":
		return s.conversationsHistory(p) // history.go
	}
	return errResult("unknown_method")
}

func (s *Server) connectionsOpen(r *http.Request) apiResult {
	ticket := newUUID()
	s.mu.Lock()
	s.tickets[ticket] = true
	base := s.opts.PublicURL
	s.mu.Unlock()
	var wsBase string
	if base != "" {
		wsBase = "ws" + strings.TrimPrefix(base, "http")
	} else {
		scheme := "ws://"
		if r.TLS != nil {
			scheme = "wss://"
		}
		wsBase = scheme + r.Host
	}
	u := wsBase + "/link/?ticket=" + ticket + "&app_id=" + hashID(s.opts.AppID)
	return okResult(map[string]any{"url": u})
}

// hashID makes the opaque app_id hash real socket URLs carry.
func hashID(appID string) string {
	var h uint64 = 14695981039346656037
	for i := 0; i < len(appID); i++ {
		h = (h ^ uint64(appID[i])) * 1099511628211
	}
	return fmt.Sprintf("%016x%016x", h, h*31)
}

func (s *Server) authTest() apiResult {
	return okResult(map[string]any{
		"url":                   "https://" + s.opts.TeamDomain + ".slack.com/",
		"team":                  s.opts.TeamName,
		"user":                  s.opts.BotName,
		"team_id":               s.opts.TeamID,
		"user_id":               s.opts.BotUserID,
		"bot_id":                s.opts.BotID,
		"is_enterprise_install": false,
	})
}

// messageContent reads and checks text, blocks and attachments. present
// reports which were given.
type messageContent struct {
	text                               string
	blocks                             []map[string]any
	attachments                        []map[string]any
	hasText, hasBlocks, hasAttachments bool
}

func readContent(p map[string]any, maxBlocks int) (messageContent, *apiResult) {
	var mc messageContent
	_, mc.hasText = p["text"]
	mc.text = str(p, "text")
	if b, ok := p["blocks"]; ok && b != nil {
		blocks, ok := toMaps(b)
		if !ok {
			r := errResult("invalid_blocks_format")
			return mc, &r
		}
		mc.blocks, mc.hasBlocks = blocks, true
		if mc.blocks == nil {
			mc.blocks = []map[string]any{}
		}
	}
	if a, ok := p["attachments"]; ok && a != nil {
		att, ok := toMaps(a)
		if !ok {
			r := errResult("invalid_attachments")
			return mc, &r
		}
		if len(att) > maxAttachments {
			r := errResult("too_many_attachments")
			return mc, &r
		}
		mc.attachments, mc.hasAttachments = att, true
	}
	if utf8.RuneCountInString(mc.text) > maxTextChars {
		r := errResult("msg_too_long")
		return mc, &r
	}
	if mc.hasBlocks {
		if errs := validateBlocks(mc.blocks, maxBlocks, "/blocks"); len(errs) > 0 {
			r := blocksErrResult("invalid_blocks", errs)
			return mc, &r
		}
	}
	return mc, nil
}

func (mc messageContent) empty() bool {
	return mc.text == "" && len(mc.blocks) == 0 && len(mc.attachments) == 0
}

func (s *Server) postMessage(p map[string]any) apiResult {
	mc, bad := readContent(p, maxMessageBlocks)
	s.mu.Lock()
	c, ok := s.resolveChannelLocked(str(p, "channel"))
	if !ok {
		s.mu.Unlock()
		return errResult("channel_not_found")
	}
	if bad != nil {
		s.mu.Unlock()
		return *bad
	}
	if mc.empty() {
		s.mu.Unlock()
		return errResult("no_text")
	}
	m := &Message{
		Channel: c.ID, TS: s.nextTSLocked(), ThreadTS: str(p, "thread_ts"),
		User: s.opts.BotUserID, BotID: s.opts.BotID, Text: mc.text,
		Blocks: mc.blocks, Attachments: mc.attachments, Metadata: metadataParam(p),
	}
	s.storeMessageLocked(m)
	msg := s.messageJSONLocked(m)
	echo := s.opts.EchoBotMessages && c.IsIM
	s.mu.Unlock()
	if echo {
		inner := deepCopyMap(msg)
		inner["channel"] = c.ID
		inner["channel_type"] = "im"
		inner["event_ts"] = m.TS
		if _, err := s.SendEvent(inner); err != nil {
			s.log.Error().Err(err).Msg("echo bot message")
		}
	}
	return okResult(map[string]any{"channel": c.ID, "ts": m.TS, "message": msg})
}

func (s *Server) postEphemeral(p map[string]any) apiResult {
	mc, bad := readContent(p, maxMessageBlocks)
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.resolveChannelLocked(str(p, "channel"))
	if !ok {
		return errResult("channel_not_found")
	}
	user := str(p, "user")
	if _, ok := s.users[user]; !ok {
		return errResult("user_not_found")
	}
	if c.IsIM && c.User != user {
		return errResult("user_not_in_channel")
	}
	if bad != nil {
		return *bad
	}
	if mc.empty() {
		return errResult("no_text")
	}
	m := &Message{
		Channel: c.ID, TS: s.nextTSLocked(), ThreadTS: str(p, "thread_ts"),
		User: s.opts.BotUserID, BotID: s.opts.BotID, Text: mc.text, Blocks: mc.blocks,
		Attachments: mc.attachments, Ephemeral: true, VisibleTo: user,
	}
	s.storeMessageLocked(m)
	return okResult(map[string]any{"message_ts": m.TS})
}

func (s *Server) chatUpdate(p map[string]any) apiResult {
	mc, bad := readContent(p, maxMessageBlocks)
	s.mu.Lock()
	defer s.mu.Unlock()
	c, m, fail := s.ownMessageLocked(p, "cant_update_message")
	if fail != nil {
		return *fail
	}
	if bad != nil {
		return *bad
	}
	if !mc.hasText && !mc.hasBlocks && !mc.hasAttachments {
		return errResult("no_text")
	}
	if mc.hasText {
		m.Text = mc.text
		if !mc.hasBlocks {
			m.Blocks = nil // text without blocks removes the old blocks
		}
	}
	if mc.hasBlocks {
		m.Blocks = mc.blocks
	}
	if mc.hasAttachments {
		m.Attachments = mc.attachments
	}
	m.Updated = true
	s.publishLocked(Activity{Kind: ActivityUpdated, Message: copyMessage(m)})
	s.notifyLocked()
	return okResult(map[string]any{"channel": c.ID, "ts": m.TS, "text": m.Text, "message": s.messageJSONLocked(m)})
}

// ownMessageLocked finds the message chat.update or chat.delete names, which
// must be one the bot posted; denied is the error for someone else's.
func (s *Server) ownMessageLocked(p map[string]any, denied string) (Channel, *Message, *apiResult) {
	fail := func(code string) (Channel, *Message, *apiResult) {
		r := errResult(code)
		return Channel{}, nil, &r
	}
	c, ok := s.resolveChannelLocked(str(p, "channel"))
	if !ok {
		return fail("channel_not_found")
	}
	m := s.findMessageLocked(c.ID, str(p, "ts"))
	if m == nil || m.Deleted || m.Ephemeral {
		return fail("message_not_found")
	}
	if m.BotID != s.opts.BotID {
		return fail(denied)
	}
	return c, m, nil
}

func (s *Server) chatDelete(p map[string]any) apiResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, m, fail := s.ownMessageLocked(p, "cant_delete_message")
	if fail != nil {
		return *fail
	}
	m.Deleted = true
	s.publishLocked(Activity{Kind: ActivityDeleted, Message: copyMessage(m)})
	s.notifyLocked()
	return okResult(map[string]any{"channel": c.ID, "ts": m.TS})
}

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
