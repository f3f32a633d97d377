package main

import (
	"github.com/kbbot/kbbot/internal/config"
	"github.com/kbbot/kbbot/internal/sourcelink"
)

// newLinker picks where the source links in answers point: front-matter
// url, KNOWLEDGE_BASE_URL, the knowledge folder's git forge, or kbbot
// serve's own pages at PUBLIC_URL/articles/, in that order. The search is
// built without a base URL and gives paths; the linker makes the links.
func newLinker(cfg config.Config) *sourcelink.Linker {
	return sourcelink.New(sourcelink.Options{BaseURL: cfg.KnowledgeBaseURL, Dir: cfg.KnowledgeDir, PublicURL: cfg.PublicURL})
}

// linksLine says, for kbbot check, where links will point or how to make
// them clickable.
func linksLine(l *sourcelink.Linker) string {
	if l.Clickable() {
		return "links: answers link to " + l.Source()
	}
	return "links: " + sourcelink.Advice
}

// experts is the name-to-ID map that turns Ask an expert on, or nil to
// leave it off when nobody to ask is configured.
func experts(cfg config.Config) map[string]string {
	if !cfg.AskExperts() {
		return nil
	}
	if cfg.Experts == nil {
		return map[string]string{}
	}
	return cfg.Experts
}
