package slackbot

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kbbot/kbbot/internal/kb"
	"github.com/kbbot/kbbot/internal/knowledge"
)

// shippedArticles is the knowledge folder kbbot ships with, as it is read.
func shippedArticles(t *testing.T) []kb.Article {
	t.Helper()
	res, err := knowledge.Load(context.Background(), filepath.Join("..", "..", "knowledge"), knowledge.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Articles) < 20 {
		t.Fatalf("got %d shipped articles, want the knowledge folder", len(res.Articles))
	}
	return res.Articles
}

func art(path, title string, tags ...string) kb.Article {
	return kb.Article{Path: path, Title: title, Tags: tags}
}

// topicFixture has near-duplicate tags (api/APIs, queue/queues,
// ci-cd/CI CD, policy/policies) and a tag only one article has.
var topicFixture = []kb.Article{
	art("rest.md", "REST APIs", "api", "http"),
	art("graphql.md", "GraphQL", "APIs", "api-design"),
	art("grpc.md", "gRPC", "api", "rpc"),
	art("kafka.md", "Kafka", "queues", "messaging"),
	art("jobs.md", "Background jobs", "queue", "workers"),
	art("rabbit.md", "RabbitMQ <basics>", "Queues", "messaging"),
	art("pipelines.md", "Pipelines", "ci-cd"),
	art("tests.md", "Testing in CI", "CI CD", "testing"),
	art("access.md", "Access policies", "policies"),
	art("retention.md", "Retention policy", "policy"),
	art("haiku.md", "A haiku", "poetry"),
}

func TestTopicGroups(t *testing.T) {
	var got []string
	for _, g := range topicGroups(topicFixture) {
		var titles []string
		for _, a := range g.Items {
			titles = append(titles, a.Title)
		}
		got = append(got, fmt.Sprintf("%s=%s: %s", g.Key, g.Name, strings.Join(titles, ", ")))
	}
	want := []string{
		"api=api: GraphQL, gRPC, REST APIs",
		"queue=queue: Background jobs, Kafka, RabbitMQ <basics>",
		"ci-cd=ci-cd: Pipelines, Testing in CI",
		"policy=policy: Access policies, Retention policy",
		"other=other: A haiku",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}

	// Folders win when most articles live in them.
	folders := []kb.Article{art("ops/a.md", "A"), art("ops/b.md", "B"), art("dev/c.md", "C"), art("dev/d.md", "D"), art("e.md", "E")}
	got = nil
	for _, g := range topicGroups(folders) {
		got = append(got, fmt.Sprintf("%s:%d", g.Key, len(g.Items)))
	}
	if s := strings.Join(got, " "); s != "dev:2 ops:2 other:1" {
		t.Errorf("folders: got %s, want dev:2 ops:2 other:1", s)
	}
}

func TestFindTopic(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"api", "GraphQL, gRPC, REST APIs"},
		{"APIs", "GraphQL, gRPC, REST APIs"},
		{"queue", "Background jobs, Kafka, RabbitMQ <basics>"},
		{"policies", "Access policies, Retention policy"},
		{"messaging", "Kafka, RabbitMQ <basics>"}, // a tag that is no heading
		{"testing", "Testing in CI"},
		{"ci cd", "Pipelines, Testing in CI"},
		{"other", "A haiku"},
		{"llamas", ""},
	} {
		g, ok := findTopic(topicFixture, tc.name)
		var titles []string
		for _, a := range g.Items {
			titles = append(titles, a.Title)
		}
		if got := strings.Join(titles, ", "); got != tc.want || ok != (tc.want != "") {
			t.Errorf("findTopic(%q): got %q, %v; want %q", tc.name, got, ok, tc.want)
		}
	}
}

// TestTopicsFitOneScreen: on the shipped knowledge folder /kb topics is a
// few headings, every article once, in few blocks and well under Slack's
// limits; api and apis are one heading.
func TestTopicsFitOneScreen(t *testing.T) {
	arts := shippedArticles(t)
	m := testRenderer.topicGroupsMessage(arts)
	checkMessage(t, m, maxBlocks)
	if len(m.Blocks) > maxTopicGroups+2 {
		t.Errorf("%d blocks, want at most %d", len(m.Blocks), maxTopicGroups+2)
	}
	if n := len(m.Text); n > 3500 {
		t.Errorf("%d characters, want one screen (at most 3500)", n)
	}
	seen := 0
	for _, g := range topicGroups(arts) {
		seen += len(g.Items)
		if g.Key == "apis" {
			t.Errorf("a heading %q next to api", g.Key)
		}
	}
	if seen != len(arts) {
		t.Errorf("%d articles under the headings, want each of %d once", seen, len(arts))
	}
}

type fixtureCatalog []kb.Article

func (c fixtureCatalog) Articles() []kb.Article { return c }

// TestTopicsWithCatalog: /kb topics, /kb topics NAME and the Home tab use
// the catalog's headings, not every tag.
func TestTopicsWithCatalog(t *testing.T) {
	h := newHarness(t, harnessOpts{bot: func(o *Options) { o.Catalog = fixtureCatalog(topicFixture) }})
	for _, tc := range []struct{ text, want, not string }{
		{"topics", `*queue* (3)\nBackground jobs · Kafka · RabbitMQ &lt;basics&gt;`, "APIs ("},
		{"topics APIs", `"*api*: 3 articles","type":"mrkdwn","verbatim":true},"type":"section"},{"text":{"text":"• GraphQL\n• gRPC\n• REST APIs"`, "Kafka"},
		{"topics llamas", "No heading, tag or folder is called “llamas”", "GraphQL"},
	} {
		cmd, err := h.emu.SlashCommand("/kb", tc.text, "U0BOB", "C0GENERAL")
		if err != nil {
			t.Fatal(err)
		}
		if ln := h.handled(cmd.EnvelopeID); field(ln, "outcome") != "topics" {
			t.Errorf("%s: outcome %q, want topics", tc.text, field(ln, "outcome"))
		}
		var texts []string
		for _, c := range h.emu.CallsTo("response_url") {
			if str(c.Params["response_url_id"]) == cmd.ID {
				texts = append(texts, blocksJSON(c))
			}
		}
		all := strings.Join(texts, "\n")
		if !strings.Contains(all, tc.want) || strings.Contains(all, tc.not) { // want: as it reads in the JSON
			t.Errorf("/kb %s: reply lacks %q or has %q:\n%s", tc.text, tc.want, tc.not, all)
		}
	}
	ev, err := h.emu.AppHomeOpened("U0BOB")
	if err != nil {
		t.Fatal(err)
	}
	h.handled(ev.EventID)
	if v := toJSON(h.emu.HomeView("U0BOB")); !strings.Contains(v, "api · queue · ci-cd · policy") || strings.Contains(v, "APIs") {
		t.Errorf("Home topics: want the headings api · queue · ci-cd · policy:\n%s", v)
	}
}
