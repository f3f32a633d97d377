// Command kbbot answers backend-development questions in Slack from a folder
// of knowledge articles.
//
// A short tour, in the order a question travels:
//
//   - main.go, run.go: main builds run's arguments; run dispatches to one
//     file per subcommand (serve.go, playground.go, runcmd.go, index.go,
//     ask.go, eval.go, check.go, healthcheck.go). This package is the only
//     place that wires concrete pieces together.
//   - internal/slackbot: Slack's events in (Socket Mode in slackbot.go, or
//     HTTP request URLs in httpmode.go, both into one dispatch), acks out,
//     answers rendered as Block Kit. It declares the Searcher it needs; it
//     never sees Bleve. internal/slackverify checks HTTP requests' signatures.
//   - internal/search: the Library that owns index generations, and the
//     Index that ranks passages, applies the "I don't know" rule and cuts
//     excerpts. It never sees Slack.
//   - internal/knowledge: files to articles and sections; `kbbot check`.
//   - internal/kb: the vocabulary all of the above share.
//   - internal/health, internal/watch: probes and metrics; reindex on change.
//   - internal/store: questions, feedback and claimed event ids in SQLite
//     (DATA_DIR) or PostgreSQL (DATABASE_URL); the knowledge-gap report.
//   - internal/slackemu, internal/playground: a local Slack (Socket Mode or
//     signed HTTP delivery) for tests, the load benchmark and the browser
//     playground.
package main
