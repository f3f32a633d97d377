package playground

import (
	"fmt"
	"html"
	"strings"
)

// Block Kit is rendered to HTML here, on the server, so that every piece of
// text goes through the same escaping (mrkdwn.go) and the page only inserts
// finished, inert fragments. Block and element types we do not draw are shown
// as a short note instead of being dropped silently.

// blocks renders a list of Block Kit blocks.
func (n names) blocks(blocks []map[string]any) string {
	var b strings.Builder
	for _, bl := range blocks {
		b.WriteString(n.block(bl))
	}
	return b.String()
}

func (n names) block(bl map[string]any) string {
	typ, _ := bl["type"].(string)
	switch typ {
	case "header":
		return `<div class="bk-header">` + n.text(obj(bl, "text")) + `</div>`
	case "section":
		var b strings.Builder
		b.WriteString(`<div class="bk-section"><div class="bk-section-body">`)
		if t := obj(bl, "text"); t != nil {
			b.WriteString(`<div class="bk-text">` + n.text(t) + `</div>`)
		}
		if fields := objs(bl, "fields"); len(fields) > 0 {
			b.WriteString(`<div class="bk-fields">`)
			for _, f := range fields {
				b.WriteString(`<div class="bk-field">` + n.text(f) + `</div>`)
			}
			b.WriteString(`</div>`)
		}
		b.WriteString(`</div>`)
		if acc := obj(bl, "accessory"); acc != nil {
			b.WriteString(`<div class="bk-accessory">` + n.element(acc) + `</div>`)
		}
		b.WriteString(`</div>`)
		return b.String()
	case "context":
		var b strings.Builder
		b.WriteString(`<div class="bk-context">`)
		for _, el := range objs(bl, "elements") {
			if t, _ := el["type"].(string); t == "image" {
				alt, _ := el["alt_text"].(string)
				b.WriteString(`<span class="bk-context-item bk-image-alt">` + html.EscapeString(alt) + `</span>`)
				continue
			}
			b.WriteString(`<span class="bk-context-item">` + n.text(el) + `</span>`)
		}
		b.WriteString(`</div>`)
		return b.String()
	case "divider":
		return `<hr class="bk-divider">`
	case "actions":
		var b strings.Builder
		b.WriteString(`<div class="bk-actions">`)
		for _, el := range objs(bl, "elements") {
			b.WriteString(n.element(el))
		}
		b.WriteString(`</div>`)
		return b.String()
	case "image":
		// No remote images: the page loads nothing from outside.
		alt, _ := bl["alt_text"].(string)
		return `<div class="bk-image-alt">[image: ` + html.EscapeString(alt) + `]</div>`
	case "rich_text":
		return `<div class="bk-text">` + html.EscapeString(richText(bl)) + `</div>`
	case "markdown":
		t, _ := bl["text"].(string)
		return `<div class="bk-text">` + n.mrkdwn(t) + `</div>`
	}
	return `<div class="bk-unsupported">[` + html.EscapeString(typ) + ` block]</div>`
}

// element renders an interactive element. Buttons carry their action_id; the
// page finds the message they sit in from the surrounding markup.
func (n names) element(el map[string]any) string {
	typ, _ := el["type"].(string)
	if typ != "button" {
		return `<span class="bk-unsupported">[` + html.EscapeString(typ) + `]</span>`
	}
	class := "bk-button"
	switch el["style"] {
	case "primary":
		class += " bk-primary"
	case "danger":
		class += " bk-danger"
	}
	label := n.text(obj(el, "text"))
	if u, _ := el["url"].(string); u != "" {
		if href, ok := safeURL(u); ok {
			return `<a class="` + class + `" href="` + html.EscapeString(href) + `" target="_blank" rel="noopener noreferrer">` + label + `</a>`
		}
	}
	id, _ := el["action_id"].(string)
	return `<button type="button" class="` + class + `" data-action-id="` + html.EscapeString(id) + `">` + label + `</button>`
}

// text renders a text object: mrkdwn through the mrkdwn renderer, plain_text
// escaped as it is (Slack does not interpret it), with emoji codes.
func (n names) text(t map[string]any) string {
	if t == nil {
		return ""
	}
	s, _ := t["text"].(string)
	if t["type"] == "mrkdwn" {
		return n.mrkdwn(s)
	}
	return emoji(html.EscapeString(s))
}

// richText flattens a rich_text block (what Slack attaches to a person's
// message) to plain text.
func richText(bl map[string]any) string {
	var b strings.Builder
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			switch x["type"] {
			case "text", "link":
				s, _ := x["text"].(string)
				if s == "" {
					s, _ = x["url"].(string)
				}
				b.WriteString(s)
			case "user":
				fmt.Fprintf(&b, "@%v", x["user_id"])
			case "emoji":
				fmt.Fprintf(&b, ":%v:", x["name"])
			default:
				walk(x["elements"])
			}
		}
	}
	walk(bl["elements"])
	return b.String()
}

func obj(m map[string]any, k string) map[string]any {
	o, _ := m[k].(map[string]any)
	return o
}

func objs(m map[string]any, k string) []map[string]any {
	if list, ok := m[k].([]map[string]any); ok {
		return list
	}
	list, _ := m[k].([]any)
	out := make([]map[string]any, 0, len(list))
	for _, e := range list {
		if o, ok := e.(map[string]any); ok {
			out = append(out, o)
		}
	}
	return out
}
