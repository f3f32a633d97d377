// Package slackemu provides a local Slack emulator that speaks Slack's Web API
// and Socket Mode or HTTP request URLs over real sockets, records everything,
// and injects faults.
//
// A Server serves HTTP and WebSocket on one listener (or through Handler, for
// mounting in a playground). Point a bot at it with
// slack.OptionAPIURL(s.APIURL()) (the trailing slash matters) and the tokens in
// Options; slack-go's socketmode client then connects as it would to Slack.
//
// # What is emulated
//
//   - apps.connections.open (app token, Authorization header only) returning a
//     ws:// URL with a single-use ticket; the socket accepts any Origin and any
//     extra query parameters (debug_reconnects).
//   - Socket Mode: hello on connect, WebSocket pings right after hello and every
//     PingInterval, events_api / slash_commands / interactive envelopes, each to
//     one randomly chosen open socket, acks with latency, a per-envelope ack
//     timer, and up to three events_api retries with new envelope ids,
//     retry_attempt+1 and retry_reason "timeout". Deliveries made while no
//     socket is open are queued and delivered when one connects (events as
//     retries, as Slack redelivers missed events). At most MaxConnections
//     sockets; the next is refused with a too_many_websockets disconnect. Ack
//     frames of 20,480 bytes or more are rejected and, like Slack, the socket is
//     closed with code 1009.
//   - HTTP delivery (httpdelivery.go), after SetRequestURL: events POSTed as
//     JSON to /slack/events, slash commands form-encoded to /slack/commands,
//     interactions as a payload form field to /slack/interactive, each signed
//     as Slack signs (X-Slack-Request-Timestamp, X-Slack-Signature v0= HMAC-SHA256
//     with Options.SigningSecret). A 2xx within AckTimeout is the ack (a slash
//     command's JSON body its reply); a slower answer, an error status or a
//     failed connection gets an event retried, up to three times, with
//     X-Slack-Retry-Num and X-Slack-Retry-Reason (http_timeout, http_error,
//     connection_failed). DeliveryFault delays requests, or replaces the app's
//     answer with a status (a 5xx from a load balancer) or a timeout. Each
//     Delivery keeps the request as sent, for replay tests. HTTP has no
//     envelopes: a command's or interaction's delivery id is its trigger_id.
//   - Slash command ack payloads (text/blocks/response_type) become responses
//     (ephemeral unless response_type is in_channel), as Slack shows them.
//   - Web API methods: auth.test, chat.postMessage, chat.postEphemeral,
//     chat.update, chat.delete, views.publish, users.info, conversations.info,
//     conversations.replies (a thread without ephemerals, limit and cursor).
//   - Channel posts as message events (ChannelMessage: channel_type channel
//     or group, top level or in a thread) and the message shortcut
//     (MessageShortcut: a message_action interaction with a response_url).
//     Tokens are read from the Authorization header or the token form field;
//     bodies may be form-encoded or JSON. Errors are Slack-shaped
//     ({"ok":false,"error":...}, HTTP 200).
//   - response_url (POST /response/<id>): ephemeral or in_channel replies,
//     replace_original, delete_original, at most five uses.
//   - Block Kit limits: 50 blocks per message (100 for home views), section
//     text 3000, fields 10x2000, header 150 plain_text, context 10 elements,
//     actions 25 elements, button text 75, value 2000, url 3000, action_id and
//     block_id 255, markdown block 12,000, text object types, unknown block types;
//     message text above 40,000 characters gives msg_too_long.
//   - Fault injection per method (HTTP status, Retry-After, error code, delay),
//     abrupt socket drops, disconnect messages, and switching pings off.
//
// # What is not emulated
//
// Rate limits are not enforced on their own (inject a 429 fault instead), nor
// are scopes, channel membership, edit windows, files, reactions, history
// methods other than conversations.replies, modals (views.open/push/update,
// view_submission), global shortcuts, the url_verification handshake (tests
// send it with Signed), or Slack's 30,000 events per hour cap.
// Slash commands and interactions are delivered once and never retried (Slack
// shows the user operation_timeout instead; the emulator records a Problem).
// Connections are not refreshed on their own; call Disconnect to simulate a
// refresh. Message text is stored as sent, not truncated or escaped.
package slackemu
