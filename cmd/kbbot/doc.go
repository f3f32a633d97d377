// Command kbbot answers backend-development questions in Slack from a folder
// of knowledge articles.
//
// A short tour, in the order a question travels:
//
//   - main.go, run.go: main builds run's arguments; run looks the
//     subcommand up in run.go's one list (commands) and calls its file:
//     runcmd.go, serve.go, playground.go, ask.go, index.go, check.go,
//     eval.go, questions.go, report.go, migrate.go, healthcheck.go. This
//     package is the only place that wires concrete pieces together
//     (library.go: the search library and its reindex comparison; store.go:
//     the store behind the Slack layer; links.go: how answers link their
//     sources).
//   - internal/slackbot: Slack's events in (Socket Mode in slackbot.go, or
//     HTTP request URLs in httpmode.go, both into one dispatch), acks out,
//     answers rendered as Block Kit: mentions, DMs, help channels, threads,
//     /kb (topics.go, gaps.go), the Ask kbbot shortcut, Ask an expert
//     (expert.go), the App Home. It declares the Searcher, Recorder and
//     GapReporter it needs; it never sees Bleve. internal/slackverify checks
//     HTTP requests' signatures.
//   - internal/search: the Library that owns index generations, and the
//     Index that answers: analysis.go (the tokenizer, folding, identifier
//     splitting), ask.go (candidates from Bleve, the "I don't know" rule), score.go
//     (BM25F over passages and whole articles, a title the question
//     names, and a documented identifier it types weighing twice),
//     english.go (a word's everyday-English specificity, which
//     weighs it in the "I don't know" rule, and chat's contractions
//     without apostrophes), fuzzy.go (unknown words to the nearest index
//     term, else the everyday word they misspell), excerpt.go (the
//     sentences that answer, grown into the next passage where the
//     paragraph goes on, two parts for a comparison; the first result's
//     excerpt is the longest), answertype.go (questions that ask for an
//     amount or a comparison). It never sees Slack.
//   - internal/sourcelink: where an answer's source links point (front
//     matter, KNOWLEDGE_BASE_URL, the git forge, or serve's own pages);
//     internal/articlepage renders those pages.
//   - internal/knowledge: files to articles and sections (headings, and in
//     HTML a definition-list term heads its definition); `kbbot check`.
//   - internal/kb: the vocabulary all of the above share.
//   - internal/health, internal/watch: probes and metrics; reindex on change.
//   - internal/store: questions, feedback, hand-overs and claimed event ids
//     in SQLite (DATA_DIR) or PostgreSQL (DATABASE_URL); the knowledge-gap
//     report; recent questions to replay.
//   - internal/replay: what a reindex changed, from recent questions asked
//     of the old and the new index.
//   - internal/quality: question sets, metrics with bootstrap intervals,
//     and question sets derived from a manual's book index and glossary.
//   - internal/slackemu, internal/playground: a local Slack (Socket Mode or
//     signed HTTP delivery) for tests, the load benchmark and the browser
//     playground.
package main
