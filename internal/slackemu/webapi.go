package slackemu

// The Web API's plumbing: reading a call, faults, results, and the method
// table (serveMethod). Each family of methods has its own file: chat.go,
// views.go, users.go, conversations.go, history.go, threads.go, and
// responseurl.go for response_url.

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
