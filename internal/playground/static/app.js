// kbbot playground: a small Slack-like page over the local Slack emulator.
//
// The server renders every message to HTML (Block Kit and mrkdwn, escaped
// first; see internal/playground/mrkdwn.go); this script only places those
// fragments, which is the one place innerHTML is used. Everything else goes
// in through textContent.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);

  const state = {
    ws: null, // the "workspace" event: team, user, bot, channels
    msgs: new Map(), // channel + "/" + ts -> message
    view: { kind: "chat", channel: "" }, // or { kind: "home" }
    thread: null, // { channel, ts, follow } of the open thread
    menu: "", // key of the message whose "More actions" menu is open
    threadShown: "", // the thread the pane last showed
    home: "",
    connected: false,
  };

  const key = (channel, ts) => channel + "/" + ts;
  const isTop = (m) => !m.thread_ts || m.thread_ts === m.ts;
  const byTS = (a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0);

  function channelInfo(id) {
    return (state.ws && state.ws.channels.find((c) => c.id === id)) || { id, name: id };
  }
  function dmID() {
    const dm = state.ws && state.ws.channels.find((c) => c.im);
    return dm ? dm.id : "";
  }
  function title(c) {
    return c.im ? c.name : "#" + c.name;
  }

  // ---- rendering ----

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function time(ts) {
    const d = new Date(Number(ts.split(".")[0]) * 1000);
    return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function replies(m) {
    const out = [];
    for (const r of state.msgs.values()) {
      if (r.channel === m.channel && r.thread_ts === m.ts && r.ts !== m.ts) out.push(r);
    }
    return out.sort(byTS);
  }

  function messageEl(m, inThread) {
    const row = el("article", "msg");
    row.dataset.channel = m.channel;
    row.dataset.ts = m.ts;
    if (m.bot) row.classList.add("is-bot");
    if (m.ephemeral) row.classList.add("is-ephemeral");

    const avatar = el("div", "avatar", m.bot ? "kb" : (m.author || "?").slice(0, 1).toUpperCase());
    row.append(avatar);

    const main = el("div", "msg-main");
    const head = el("div", "msg-head");
    head.append(el("span", "author", m.author));
    if (m.bot) head.append(el("span", "badge", "APP"));
    const t = el("time", "msg-time", time(m.ts));
    t.dateTime = new Date(Number(m.ts.split(".")[0]) * 1000).toISOString();
    head.append(t);
    if (!m.bot && !m.ephemeral) {
      // "More actions", as in Slack: where the bot's message shortcut lives.
      const more = el("button", "msg-more", "⋯");
      more.type = "button";
      more.title = "More actions";
      more.setAttribute("aria-label", "More actions");
      more.dataset.more = key(m.channel, m.ts);
      head.append(more);
    }
    main.append(head);
    if (state.menu === key(m.channel, m.ts)) {
      const menu = el("div", "msg-menu");
      menu.setAttribute("role", "menu");
      const ask = el("button", "msg-menu-item", state.ws.shortcut);
      ask.type = "button";
      ask.setAttribute("role", "menuitem");
      ask.dataset.shortcut = "true";
      menu.append(ask);
      main.append(menu);
    }

    const body = el("div", "msg-body");
    body.innerHTML = m.html; // rendered and escaped by the server
    main.append(body);

    if (m.ephemeral) main.append(el("div", "ephemeral-note", "👁 Only visible to you"));

    if (!inThread && isTop(m)) {
      const rs = replies(m);
      if (rs.length > 0) {
        const b = el("button", "replies", rs.length === 1 ? "1 reply" : rs.length + " replies");
        b.type = "button";
        b.dataset.openThread = m.ts;
        main.append(b);
      }
    }
    row.append(main);
    return row;
  }

  // fill replaces a list's messages. scroll is "follow" (stay at the bottom
  // if the reader was there), "top", "bottom" or "keep".
  function fill(list, items, inThread, empty, scroll) {
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
    const top = list.scrollTop;
    list.replaceChildren();
    if (items.length === 0 && empty) list.append(el("p", "empty", empty));
    for (const m of items) list.append(messageEl(m, inThread));
    if (scroll === "bottom" || (scroll === "follow" && atBottom)) list.scrollTop = list.scrollHeight;
    else if (scroll === "top") list.scrollTop = 0;
    else list.scrollTop = top;
  }

  function render() {
    if (!state.ws) return;
    const ws = state.ws;
    $("team-name").textContent = ws.team;
    $("me").textContent = "@" + ws.user_name;
    renderNav();

    const status = $("status");
    status.dataset.connected = String(state.connected);
    $("status-text").textContent = state.connected ? ws.bot_name + " is connected" : "connecting to the bot…";
    document.body.dataset.connected = String(state.connected);

    const home = state.view.kind === "home";
    const dm = dmID();
    const chan = home ? dm : state.view.channel;
    const c = channelInfo(chan);
    $("view-title").textContent = home || c.im ? ws.bot_name : title(c);
    $("view-sub").textContent = home
      ? "App Home: what the bot published for you"
      : c.im
        ? "Direct messages with the bot: just ask"
        : c.help
          ? "Help channel: ask without mentioning " + ws.bot_name + "; it answers in a thread when it is confident, and stays quiet otherwise"
          : "Mention @" + ws.bot_name + " with a question; it answers in a thread";
    $("tabs").hidden = !(home || c.im);
    $("tab-home").classList.toggle("active", home);
    $("tab-messages").classList.toggle("active", !home);

    $("messages").hidden = home;
    $("composer").hidden = home;
    $("home").hidden = !home;
    if (home) {
      const h = $("home");
      if (state.home) h.innerHTML = state.home; // rendered and escaped by the server
      else h.replaceChildren(el("p", "empty", "Opening the Home tab…"));
    } else {
      const top = [...state.msgs.values()].filter((m) => m.channel === chan && isTop(m)).sort(byTS);
      const empty = c.im
        ? "Ask " + ws.bot_name + " anything about backend development, or try " + ws.command + " help."
        : c.help
          ? "Ask a question here, no mention needed: how do I cache API responses?"
          : "Try: @" + ws.bot_name + " what is a backend developer?   or   " + ws.command + " topics";
      fill($("messages"), top, false, empty, "follow");
      const input = $("composer-input");
      input.placeholder = c.im
        ? "Message " + ws.bot_name + " (or " + ws.command + " help)"
        : c.help
          ? "Message #" + c.name + ": just ask your question"
          : "Message #" + c.name + ": @" + ws.bot_name + " your question, or " + ws.command + " topics";
    }
    renderThread();
  }

  function renderNav() {
    const ws = state.ws;
    const item = (label, active, onclick, id) => {
      const li = el("li");
      const b = el("button", "nav-item" + (active ? " active" : ""), label);
      b.type = "button";
      if (id) b.id = id;
      b.addEventListener("click", onclick);
      li.append(b);
      return li;
    };
    const home = state.view.kind === "home";
    $("channel-list").replaceChildren(
      ...ws.channels.filter((c) => !c.im).map((c) =>
        item("# " + c.name, !home && state.view.channel === c.id, () => show({ kind: "chat", channel: c.id }), "nav-" + c.id)),
    );
    $("dm-list").replaceChildren(
      ...ws.channels.filter((c) => c.im).map((c) =>
        item("● " + c.name, !home && state.view.channel === c.id, () => show({ kind: "chat", channel: c.id }), "nav-dm")),
    );
    $("app-list").replaceChildren(item("⌂ " + ws.bot_name + " Home", home, () => show({ kind: "home" }), "nav-home"));
  }

  function renderThread() {
    const pane = $("thread");
    const th = state.thread;
    const parent = th && state.msgs.get(key(th.channel, th.ts));
    pane.hidden = !parent;
    $("app").classList.toggle("with-thread", !!parent);
    if (!parent) {
      state.threadShown = "";
      return;
    }
    $("thread-sub").textContent = title(channelInfo(th.channel));
    // A thread opens at its top, to read the question and then the answer;
    // it follows new replies only after the reader has written one.
    const opened = state.threadShown !== th.channel + "/" + th.ts;
    state.threadShown = th.channel + "/" + th.ts;
    fill($("thread-messages"), [parent, ...replies(parent)], true, "", opened ? "top" : th.follow ? "follow" : "keep");
    const tc = channelInfo(th.channel);
    $("thread-input").placeholder = tc.im || tc.help ? "Reply…" : "Reply… (@" + state.ws.bot_name + " to ask it)";
  }

  function show(view) {
    state.view = view;
    if (state.thread && (view.kind === "home" || state.thread.channel !== view.channel)) state.thread = null;
    if (view.kind === "home") openHome();
    render();
  }

  // ---- talking to the server ----

  async function post(path, body) {
    const res = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    let data = {};
    try {
      data = await res.json();
    } catch (e) {
      data = { ok: false, error: "The playground did not answer (" + res.status + ")." };
    }
    if (!res.ok || !data.ok) throw new Error(data.error || "Request failed (" + res.status + ").");
    return data;
  }

  async function openHome() {
    try {
      const data = await post("/api/home", {});
      if (data.html && !state.home) {
        state.home = data.html;
        render();
      }
    } catch (e) {
      $("home").replaceChildren(el("p", "hint error", e.message));
    }
  }

  function composer(form, input, hint, target) {
    const submit = async () => {
      const text = input.value.trim();
      if (!text) return;
      const { channel, thread_ts } = target();
      hint.textContent = "";
      hint.classList.remove("error");
      input.disabled = true;
      try {
        const res = await post("/api/send", { channel, thread_ts: thread_ts || "", text });
        input.value = "";
        if (thread_ts && state.thread) state.thread.follow = true;
        if (!thread_ts && res.thread_ts && res.thread_ts === res.ts) {
          // A mention is answered in a thread under it: open that thread.
          state.thread = { channel, ts: res.ts };
        }
        render();
      } catch (e) {
        hint.textContent = e.message;
        hint.classList.add("error");
      } finally {
        input.disabled = false;
        input.focus();
      }
    };
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      submit();
    });
    input.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        submit();
      }
    });
  }

  async function click(button) {
    const msg = button.closest(".msg");
    if (!msg) return;
    button.disabled = true;
    button.classList.add("busy");
    try {
      await post("/api/click", { channel: msg.dataset.channel, ts: msg.dataset.ts, action_id: button.dataset.actionId });
    } catch (e) {
      button.disabled = false;
      button.classList.remove("busy");
      const note = el("p", "hint error", e.message);
      msg.querySelector(".msg-main").append(note);
    }
  }

  async function shortcut(item) {
    const msg = item.closest(".msg");
    state.menu = "";
    if (!msg) return;
    try {
      await post("/api/shortcut", { channel: msg.dataset.channel, ts: msg.dataset.ts });
      render();
    } catch (e) {
      render();
      const again = document.querySelector(`.msg[data-channel="${msg.dataset.channel}"][data-ts="${msg.dataset.ts}"] .msg-main`);
      if (again) again.append(el("p", "hint error", e.message));
    }
  }

  function connect() {
    const es = new EventSource("/events");
    es.addEventListener("workspace", (e) => {
      const ws = JSON.parse(e.data);
      state.ws = ws;
      state.msgs.clear();
      for (const m of ws.messages) state.msgs.set(key(m.channel, m.ts), m);
      state.home = ws.home || state.home;
      state.connected = ws.connected;
      if (!state.view.channel && state.view.kind === "chat") state.view.channel = ws.channels[0].id;
      document.body.dataset.ready = "true";
      render();
    });
    es.addEventListener("message", (e) => {
      const m = JSON.parse(e.data);
      state.msgs.set(key(m.channel, m.ts), m);
      render();
    });
    es.addEventListener("delete", (e) => {
      const d = JSON.parse(e.data);
      state.msgs.delete(key(d.channel, d.ts));
      render();
    });
    es.addEventListener("home", (e) => {
      state.home = JSON.parse(e.data).html;
      render();
    });
    es.addEventListener("status", (e) => {
      state.connected = JSON.parse(e.data).connected;
      render();
    });
    es.addEventListener("error", () => {
      state.connected = false;
      if (state.ws) render();
      $("status-text").textContent = "playground unreachable; retrying…";
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    composer($("composer"), $("composer-input"), $("composer-hint"), () => ({ channel: state.view.channel }));
    composer($("thread-composer"), $("thread-input"), $("thread-hint"), () => ({
      channel: state.thread.channel,
      thread_ts: state.thread.ts,
    }));
    $("thread-close").addEventListener("click", () => {
      state.thread = null;
      render();
    });
    $("tab-home").addEventListener("click", () => show({ kind: "home" }));
    $("tab-messages").addEventListener("click", () => show({ kind: "chat", channel: dmID() }));
    document.addEventListener("click", (e) => {
      const more = e.target.closest("button[data-more]");
      if (more) {
        state.menu = state.menu === more.dataset.more ? "" : more.dataset.more;
        render();
        return;
      }
      const item = e.target.closest("button[data-shortcut]");
      if (item) {
        shortcut(item);
        return;
      }
      if (state.menu) {
        state.menu = "";
        render();
      }
      const action = e.target.closest("button[data-action-id]");
      if (action) {
        click(action);
        return;
      }
      const open = e.target.closest("button[data-open-thread]");
      if (open) {
        const msg = open.closest(".msg");
        state.thread = { channel: msg.dataset.channel, ts: open.dataset.openThread };
        render();
      }
    });
    connect();
  });
})();
