// Command kbbot answers backend-development questions in Slack from a folder
// of knowledge articles.
//
// A short tour, in the order a question travels:
//
//   - main.go, run.go: main builds run's arguments; run dispatches to one
//     file per subcommand (serve.go, playground.go, runcmd.go, index.go,
//     ask.go, eval.go, check.go, report.go, migrate.go, healthcheck.go).
//     This package is the only place that wires concrete pieces together
//     (store.go: the store behind the Slack layer; library.go: the search
//     library and its reindex comparison).
//   - internal/slackbot: Socket Mode events in, acks out, answers rendered
//     as Block Kit: mentions, DMs, help channels, threads, /kb (topics.go,
//     gaps.go), the Ask kbbot shortcut, Ask an expert (expert.go), the App
//     Home. It declares the Searcher, Recorder and GapReporter it needs; it
//     never sees Bleve.
//   - internal/search: the Library that owns index generations, and the
//     Index that ranks passages, applies the "I don't know" rule and cuts
//     excerpts. It never sees Slack.
//   - internal/knowledge: files to articles and sections; `kbbot check`.
//   - internal/kb: the vocabulary all of the above share.
//   - internal/health, internal/watch: probes and metrics; reindex on change.
//   - internal/store: questions, feedback, hand-overs and claimed event ids
//     in SQLite (DATA_DIR) or PostgreSQL (DATABASE_URL); the knowledge-gap
//     report; recent questions to replay.
//   - internal/replay: what a reindex changed, from recent questions asked
//     of the old and the new index.
//   - internal/sourcelink, internal/articlepage: where answer links point,
//     and the article pages serve and the playground show.
//   - internal/slackemu, internal/playground: a local Slack for tests, the
//     load benchmark and the browser playground.
package main
