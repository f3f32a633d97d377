package slackemu

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Block Kit and message limits (PROTOCOL.md §6).
const (
	maxMessageBlocks = 50
	maxViewBlocks    = 100
	maxTextChars     = 40000 // message text; above it, msg_too_long
	maxAttachments   = 100
	maxViewBytes     = 250000
)

// knownBlockTypes are the block types Slack accepts (those slack-go knows).
var knownBlockTypes = map[string]bool{
	"section": true, "divider": true, "image": true, "actions": true, "context": true,
	"context_actions": true, "file": true, "input": true, "header": true, "rich_text": true,
	"call": true, "video": true, "markdown": true, "table": true, "data_table": true,
	"data_visualization": true, "task_card": true, "plan": true, "alert": true,
	"auth_provider": true, "card": true, "carousel": true, "container": true, "layout": true,
}

// blockValidator collects Slack-style error strings:
// "must be less than 3001 characters [json-pointer:/blocks/0/text/text]".
type blockValidator struct{ errs []string }

func (v *blockValidator) add(ptr, format string, args ...any) {
	v.errs = append(v.errs, fmt.Sprintf(format, args...)+" [json-pointer:"+ptr+"]")
}

// validateBlocks checks blocks against Slack's limits; max is the number of
// blocks allowed (50 for messages, 100 for views). ptr is the JSON pointer of
// the array, such as "/blocks".
func validateBlocks(blocks []map[string]any, max int, ptr string) []string {
	v := &blockValidator{}
	if len(blocks) > max {
		v.add(ptr, "no more than %d items allowed", max)
	}
	for i, b := range blocks {
		v.block(b, fmt.Sprintf("%s/%d", ptr, i))
	}
	return v.errs
}

func joinErrs(errs []string) string { return strings.Join(errs, "; ") }

func (v *blockValidator) block(b map[string]any, p string) {
	typ, ok := b["type"].(string)
	if !ok || typ == "" {
		v.add(p+"/type", "missing required field: type")
		return
	}
	if !knownBlockTypes[typ] {
		v.add(p+"/type", "unsupported block type `%s`", typ)
		return
	}
	if id, present := b["block_id"]; present {
		v.maxString(id, p+"/block_id", 255)
	}
	switch typ {
	case "section":
		text, hasText := b["text"]
		fields, hasFields := b["fields"]
		if !hasText && !hasFields {
			v.add(p, "must provide either text or fields")
		}
		if hasText {
			v.textObject(text, p+"/text", "", 3000)
		}
		if hasFields {
			arr, ok := fields.([]any)
			if !ok {
				v.add(p+"/fields", "must be an array")
				break
			}
			if len(arr) > 10 {
				v.add(p+"/fields", "no more than 10 items allowed")
			}
			for i, f := range arr {
				v.textObject(f, fmt.Sprintf("%s/fields/%d", p, i), "", 2000)
			}
		}
		if acc, ok := b["accessory"]; ok && acc != nil {
			v.element(acc, p+"/accessory")
		}
	case "header":
		v.textObject(b["text"], p+"/text", "plain_text", 150)
	case "context":
		arr := v.elements(b, p, 10)
		for i, e := range arr {
			ep := fmt.Sprintf("%s/elements/%d", p, i)
			if m, ok := e.(map[string]any); ok && m["type"] == "image" {
				v.image(m, ep)
				continue
			}
			v.textObject(e, ep, "", 3000)
		}
	case "actions":
		for i, e := range v.elements(b, p, 25) {
			v.element(e, fmt.Sprintf("%s/elements/%d", p, i))
		}
	case "context_actions":
		for i, e := range v.elements(b, p, 5) {
			v.element(e, fmt.Sprintf("%s/elements/%d", p, i))
		}
	case "image":
		v.image(b, p)
		if t, ok := b["title"]; ok {
			v.textObject(t, p+"/title", "plain_text", 2000)
		}
	case "markdown":
		v.requiredString(b["text"], p+"/text", 12000)
	case "input":
		v.textObject(b["label"], p+"/label", "plain_text", 2000)
		if h, ok := b["hint"]; ok {
			v.textObject(h, p+"/hint", "plain_text", 2000)
		}
		if e, ok := b["element"]; ok {
			v.element(e, p+"/element")
		} else {
			v.add(p+"/element", "missing required field: element")
		}
	case "rich_text":
		if _, ok := b["elements"].([]any); !ok {
			v.add(p+"/elements", "missing required field: elements")
		}
	}
}

// elements checks a block's elements array: present, 1 to max items.
func (v *blockValidator) elements(b map[string]any, p string, max int) []any {
	arr, ok := b["elements"].([]any)
	if !ok {
		v.add(p+"/elements", "missing required field: elements")
		return nil
	}
	if len(arr) == 0 {
		v.add(p+"/elements", "must provide at least 1 items")
	}
	if len(arr) > max {
		v.add(p+"/elements", "no more than %d items allowed", max)
	}
	return arr
}

// element checks an interactive element (button, select, overflow...).
func (v *blockValidator) element(e any, p string) {
	m, ok := e.(map[string]any)
	if !ok {
		v.add(p, "must be an object")
		return
	}
	typ, _ := m["type"].(string)
	if typ == "" {
		v.add(p+"/type", "missing required field: type")
		return
	}
	if id, ok := m["action_id"]; ok {
		v.maxString(id, p+"/action_id", 255)
	}
	if ph, ok := m["placeholder"]; ok {
		v.textObject(ph, p+"/placeholder", "plain_text", 150)
	}
	switch typ {
	case "button":
		v.textObject(m["text"], p+"/text", "plain_text", 75)
		if val, ok := m["value"]; ok {
			v.maxString(val, p+"/value", 2000)
		}
		if u, ok := m["url"]; ok {
			v.maxString(u, p+"/url", 3000)
		}
		if st, ok := m["style"]; ok && st != "primary" && st != "danger" {
			v.add(p+"/style", "must be one of primary, danger")
		}
	case "image":
		v.image(m, p)
	case "overflow":
		if opts, ok := m["options"].([]any); ok && (len(opts) < 1 || len(opts) > 5) {
			v.add(p+"/options", "must provide between 1 and 5 items")
		}
	case "static_select", "multi_static_select":
		if opts, ok := m["options"].([]any); ok && len(opts) > 100 {
			v.add(p+"/options", "no more than 100 items allowed")
		}
	}
}

func (v *blockValidator) image(m map[string]any, p string) {
	_, hasURL := m["image_url"]
	_, hasFile := m["slack_file"]
	if !hasURL && !hasFile {
		v.add(p, "must provide either image_url or slack_file")
	}
	if hasURL {
		v.maxString(m["image_url"], p+"/image_url", 3000)
	}
	v.requiredString(m["alt_text"], p+"/alt_text", 2000)
}

// textObject checks a composition text object. want is "plain_text" when
// only that type is allowed, "" for plain_text or mrkdwn.
func (v *blockValidator) textObject(o any, p, want string, max int) {
	m, ok := o.(map[string]any)
	if !ok {
		if o == nil {
			v.add(p, "missing required field: %s", lastSegment(p))
		} else {
			v.add(p, "must be a text object")
		}
		return
	}
	typ, _ := m["type"].(string)
	switch {
	case want == "plain_text" && typ != "plain_text":
		v.add(p+"/type", "must be plain_text")
	case want == "" && typ != "plain_text" && typ != "mrkdwn":
		v.add(p+"/type", "must be one of plain_text, mrkdwn")
	}
	if _, ok := m["emoji"]; ok && typ == "mrkdwn" {
		v.add(p+"/emoji", "emoji is only allowed on plain_text")
	}
	v.requiredString(m["text"], p+"/text", max)
}

func (v *blockValidator) requiredString(x any, p string, max int) {
	s, ok := x.(string)
	if !ok {
		v.add(p, "missing required field: %s", lastSegment(p))
		return
	}
	n := utf8.RuneCountInString(s)
	if n == 0 {
		v.add(p, "must be more than 0 characters")
	}
	if n > max {
		v.add(p, "must be less than %d characters", max+1)
	}
}

func (v *blockValidator) maxString(x any, p string, max int) {
	s, ok := x.(string)
	if !ok {
		v.add(p, "must be a string")
		return
	}
	if utf8.RuneCountInString(s) > max {
		v.add(p, "must be less than %d characters", max+1)
	}
}

func lastSegment(p string) string {
	if i := strings.LastIndex(p, "/"); i >= 0 {
		return p[i+1:]
	}
	return p
}
