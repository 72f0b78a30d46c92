/*
 * qa-bot chat widget. Embed with one tag:
 *
 *   <script src="https://clinic.example/widget.js" data-api="https://clinic.example" defer></script>
 *
 * Optional attributes: data-phone (emergency number for the call link, default 911), data-title
 * (the panel's heading), data-max-chars (the longest question, default: what /api/topics says, else
 * 1000) and data-offset ("BOTTOM [RIGHT]", e.g. "96px" or "96px 24px": where the launcher sits, so it
 * clears the page's own fixed buttons). The page's CSS can set the same offsets as the custom
 * properties --qa-bot-offset-bottom and --qa-bot-offset-right.
 *
 * Plain JavaScript, no build step, no third-party requests. It works under a strict
 * Content-Security-Policy: no inline script or style, no innerHTML. Its styles live in an open
 * Shadow DOM and come from widget.css through a <link>, so the host page and the widget cannot
 * restyle each other. Every piece of corpus or patient text is inserted with textContent.
 *
 * The conversation is kept in sessionStorage (this tab only, gone when it closes; nothing is kept
 * on the server), so it survives a citation click and a page change on the same site. Each question
 * is sent with the last few turns (question, answer id, first cited article), so the server can read
 * a follow-up such as "how long does it last?" with the previous turn's topic.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || window.__qaBotWidget) return; // embedded twice: keep the first
  window.__qaBotWidget = true;

  var scriptUrl = new URL(script.src, document.baseURI);
  var api = (script.getAttribute("data-api") || scriptUrl.origin).replace(/\/+$/, "");
  var phone = (script.getAttribute("data-phone") || "911").trim();
  var heading = script.getAttribute("data-title") || "Ask our health library";
  var maxCharsAttr = parseInt(script.getAttribute("data-max-chars") || "", 10);
  var offsets = (script.getAttribute("data-offset") || "").trim().split(/\s+/).filter(Boolean);
  var TIMEOUT_MS = 20000;
  var DEFAULT_MAX_CHARS = 1000;
  var HISTORY_TURNS = 5; // the most the API reads
  var KEPT_ENTRIES = 60; // of the conversation in sessionStorage
  var STORE_KEY = "qa-bot:" + api;
  var REASONS = [
    ["wrong_topic", "Wrong topic"],
    ["not_answered", "Didn't answer my question"],
    ["hard_to_understand", "Hard to understand"],
    ["out_of_date", "Out of date"],
  ];

  // --- small DOM helpers (text only, never HTML) -------------------------------------------

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text != null) node.textContent = text;
    return node;
  }

  function icon(paths) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    paths.forEach(function (d) {
      var p = document.createElementNS(ns, "path");
      p.setAttribute("d", d);
      svg.appendChild(p);
    });
    return svg;
  }

  var ICON_CHAT = ["M4 5h16v10H8l-4 4z"];
  var ICON_CLOSE = ["M6 6l12 12", "M18 6L6 18"];
  var ICON_SEND = ["M4 12l16-8-6 16-2-6z"];
  var ICON_ALERT = ["M12 3l10 18H2z", "M12 10v5", "M12 18v.5"];
  var ICON_NEW = ["M12 20h8", "M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4z"];

  /** A citation's link: relative URLs resolve against the API's server, not the host page. */
  function resolve(url) {
    try {
      var u = new URL(url, api + "/");
      return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
    } catch (e) {
      return null;
    }
  }

  /** A CSS length from data-offset: "96", "96px", "6em"... anything else is ignored. */
  function length(value) {
    var m = /^(\d{1,4}(?:\.\d+)?)(px|em|rem|vh|vw)?$/.exec(value || "");
    return m ? m[1] + (m[2] || "px") : null;
  }

  // --- the conversation, kept for this tab ------------------------------------------------------

  var store = {
    load: function () {
      try {
        var saved = JSON.parse(window.sessionStorage.getItem(STORE_KEY) || "null");
        return saved && saved.v === 1 && Array.isArray(saved.log) ? saved.log : [];
      } catch (e) {
        return []; // storage refused (privacy settings, sandboxed frame) or unreadable
      }
    },
    save: function (log) {
      try {
        window.sessionStorage.setItem(STORE_KEY, JSON.stringify({ v: 1, log: log.slice(-KEPT_ENTRIES) }));
      } catch (e) { /* full or refused: the conversation still works on this page */ }
    },
    clear: function () {
      try { window.sessionStorage.removeItem(STORE_KEY); } catch (e) { /* nothing kept */ }
    },
  };

  /** What the widget keeps of a reply (the passages and scores are not shown, so not kept). */
  function keep(data) {
    return {
      id: typeof data.id === "string" ? data.id : null,
      status: data.status,
      answer: String(data.answer || ""),
      disclaimer: String(data.disclaimer || ""),
      assumed_topic: typeof data.assumed_topic === "string" && data.assumed_topic ? data.assumed_topic : null,
      citations: (Array.isArray(data.citations) ? data.citations : []).map(function (c) {
        return { article: String(c.article || ""), section: String(c.section || ""), url: String(c.url || "") };
      }),
      suggestions: (Array.isArray(data.suggestions) ? data.suggestions : []).map(suggestionText).filter(Boolean).slice(0, 3),
    };
  }

  function suggestionText(s) {
    var text = typeof s === "string" ? s : s && typeof s.text === "string" ? s.text : "";
    return text.trim();
  }

  /** The last turns as the API wants them: question, answer id, first cited article. */
  function historyOf(log) {
    var turns = [];
    for (var i = 0; i + 1 < log.length; i++) {
      if (log[i].t !== "q" || log[i + 1].t !== "a") continue;
      var reply = log[i + 1].data, turn = { question: log[i].text };
      if (reply.id && reply.id.length <= 64) turn.answer_id = reply.id;
      if (reply.citations.length && reply.citations[0].article) turn.article = reply.citations[0].article.slice(0, 200);
      turns.push(turn);
    }
    return turns.slice(-HISTORY_TURNS);
  }

  // --- what went wrong, in the patient's words --------------------------------------------------

  function problemOf(status, code, question, maxChars) {
    if (code === "rate_limited" || status === 429) {
      return { text: "You've sent a lot of questions in a short time. Please wait a minute, then try again.", retry: true };
    }
    // The server refuses a question that is too long, or one with no words at all (only spaces or
    // invisible characters): one with letters or digits was too long for it.
    if (code === "body_too_large" || status === 413 || (code === "invalid_question" && /[\p{L}\p{N}]/u.test(question))) {
      return { text: "Your question is too long for me. Please shorten it" +
        (question.length > maxChars ? " to " + maxChars + " characters or fewer" : "") + " and send it again.", edit: true };
    }
    if (code === "invalid_question") {
      return { text: "I couldn't read that as a question. Please type it in words and send it again.", edit: true };
    }
    if (code === "too_slow" || status === 503 || status === 504) {
      return { text: "Sorry, that took too long to answer. Please try again in a moment.", retry: true };
    }
    if (status >= 400 && status < 500) {
      return { text: "Sorry, something went wrong with that question. Please try again.", retry: true };
    }
    return { text: "Sorry, we couldn't reach the assistant. Please check your connection, then try again.", retry: true };
  }

  // --- building the widget -----------------------------------------------------------------

  function build() {
    var host = el("qa-bot-widget");
    // Inline styles set through the CSSOM are allowed by CSP; they stop a host rule such as
    // "div { color: red }" or "* { font-size: 30px }" from reaching the shadow tree by inheritance.
    // ("all" leaves custom properties alone, so the page's --qa-bot-offset-* still reach the widget.)
    host.style.setProperty("all", "initial", "important");
    // The host is an empty block as tall as the launcher's corner, at the end of the page: the page
    // can always scroll its last line clear of the launcher.
    host.style.setProperty("display", "block", "important");
    host.style.setProperty("height", "calc(var(--qa-bot-offset-bottom, 20px) + 64px)", "important");
    if (length(offsets[0])) host.style.setProperty("--qa-bot-offset-bottom", length(offsets[0]));
    if (length(offsets[1])) host.style.setProperty("--qa-bot-offset-right", length(offsets[1]));
    var shadow = host.attachShadow({ mode: "open" });
    var sheet = el("link", { rel: "stylesheet", href: api + "/widget.css" });
    var root = el("div", { class: "root", hidden: "" });
    // Shown once styled, so the patient never sees a bare, unstyled button flash by.
    sheet.addEventListener("load", function () { root.hidden = false; });
    sheet.addEventListener("error", function () { root.hidden = false; });
    shadow.appendChild(sheet);
    shadow.appendChild(root);

    var launcher = el("button", {
      type: "button", class: "launcher", "aria-expanded": "false", "aria-controls": "qa-panel",
    });
    launcher.appendChild(icon(ICON_CHAT));
    launcher.appendChild(el("span", {}, "Ask a question"));

    var panel = el("section", { id: "qa-panel", class: "panel", role: "dialog", "aria-labelledby": "qa-title", hidden: "" });
    var head = el("header", { class: "head" });
    var titles = el("div", { class: "titles" });
    titles.appendChild(el("h2", { id: "qa-title" }, heading));
    titles.appendChild(el("p", { class: "sub" }, "Answers quoted from our clinic's articles"));
    var tools = el("div", { class: "tools" });
    var restart = el("button", { type: "button", class: "restart", "aria-label": "New conversation", title: "New conversation", hidden: "" });
    restart.appendChild(icon(ICON_NEW));
    var close = el("button", { type: "button", class: "close", "aria-label": "Close the chat", title: "Close" });
    close.appendChild(icon(ICON_CLOSE));
    tools.appendChild(restart);
    tools.appendChild(close);
    head.appendChild(titles);
    head.appendChild(tools);

    var messages = el("ol", { class: "messages", "aria-label": "Conversation" });
    var polite = el("div", { class: "sr-only", role: "status", "aria-live": "polite" });
    var assertive = el("div", { class: "sr-only", role: "alert", "aria-live": "assertive" });

    var form = el("form", { class: "composer" });
    var label = el("label", { for: "qa-input", class: "sr-only" }, "Your question");
    var input = el("textarea", {
      id: "qa-input", rows: "1", placeholder: "Type your question…", autocomplete: "off",
      "aria-describedby": "qa-count",
    });
    var send = el("button", { type: "submit", class: "send", "aria-label": "Send" });
    send.appendChild(icon(ICON_SEND));
    form.appendChild(label);
    form.appendChild(input);
    form.appendChild(send);

    // Under the box: the keys (only where there is a keyboard and a mouse: see widget.css) and the
    // characters used out of the limit.
    var foot = el("div", { class: "foot" });
    foot.appendChild(el("p", { class: "keys" }, "Enter sends · Shift+Enter for a new line · Esc closes"));
    var counter = el("p", { id: "qa-count", class: "count" });
    foot.appendChild(counter);

    panel.appendChild(head);
    panel.appendChild(messages);
    panel.appendChild(form);
    panel.appendChild(foot);
    panel.appendChild(polite);
    panel.appendChild(assertive);
    root.appendChild(panel);
    root.appendChild(launcher);
    document.body.appendChild(host);

    var state = {
      busy: false, greeted: false, topics: null, log: store.load(), pending: null, atLimit: false, groups: 0,
      maxChars: maxCharsAttr > 0 ? maxCharsAttr : DEFAULT_MAX_CHARS,
    };

    // --- the length limit ------------------------------------------------------------------------

    function setLimit(n) {
      state.maxChars = n;
      input.maxLength = n;
      count();
    }

    function count() {
      var used = input.value.length, full = used >= state.maxChars;
      counter.textContent = used + " / " + state.maxChars + (full ? " · limit reached" : "");
      counter.classList.toggle("full", full);
      if (full && !state.atLimit) announce("You have reached the limit of " + state.maxChars + " characters.", false);
      state.atLimit = full;
    }

    // --- messages ----------------------------------------------------------------------------

    function addMessage(kind) {
      var item = el("li", { class: "msg " + kind });
      messages.appendChild(item);
      return item;
    }

    /** Scroll so an item's top shows just under the header (the browser clamps at the end). */
    function reveal(item) {
      var top = item.getBoundingClientRect().top - messages.getBoundingClientRect().top;
      messages.scrollTop += top - 12;
    }

    function announce(text, urgent) {
      var region = urgent ? assertive : polite;
      region.textContent = "";
      // A fresh text node after a tick makes screen readers announce a repeated answer again.
      window.setTimeout(function () { region.textContent = text; }, 50);
    }

    function chips(texts, labelText) {
      var box = el("div", { class: "suggest" });
      if (labelText) box.appendChild(el("p", { class: "suggest-label" }, labelText));
      var list = el("ul", { class: "suggestions", "aria-label": labelText || "Suggested questions" });
      texts.forEach(function (q) {
        var li = el("li");
        var chip = el("button", { type: "button", class: "chip" }, q);
        chip.addEventListener("click", function () { ask(q); });
        li.appendChild(chip);
        list.appendChild(li);
      });
      box.appendChild(list);
      return box;
    }

    function greet() {
      state.greeted = true;
      var item = addMessage("bot greeting");
      item.appendChild(el("p", {}, "Hello! Ask me about our clinic's health articles. " +
        "I answer by quoting them and linking to the section I quote."));
      var shown = function (data) {
        var texts = (data && Array.isArray(data.suggestions) ? data.suggestions : []).map(suggestionText).filter(Boolean);
        if (texts.length && item.isConnected) item.appendChild(chips(texts, null));
      };
      if (state.topics) return shown(state.topics);
      fetch(api + "/api/topics", { credentials: "omit" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          state.topics = data;
          if (data && !(maxCharsAttr > 0) && data.max_question_chars > 0) setLimit(data.max_question_chars);
          shown(data);
        })
        .catch(function () { /* no suggestions: the patient can still type a question */ });
    }

    function showQuestion(text) {
      var item = addMessage("user");
      item.appendChild(el("p", {}, text));
      return item;
    }

    function showAnswer(entry, live) {
      var data = entry.data, urgent = data.status === "urgent";
      var item = addMessage("bot answer" + (urgent ? " urgent" : ""));
      if (urgent) {
        var badge = el("p", { class: "badge" });
        badge.appendChild(icon(ICON_ALERT));
        badge.appendChild(el("span", {}, "This may be urgent"));
        item.appendChild(badge);
      }
      if (data.assumed_topic) {
        var assumed = el("p", { class: "assumed" }, "Reading this as about: ");
        assumed.appendChild(el("strong", {}, data.assumed_topic));
        item.appendChild(assumed);
      }
      item.appendChild(el("p", { class: "text" }, data.answer));
      if (urgent) {
        var call = el("a", { class: "call", href: "tel:" + phone.replace(/[^0-9+*#]/g, "") }, "Call " + phone);
        item.appendChild(call);
      }
      var cites = data.citations.filter(function (c) { return resolve(c.url); });
      if (cites.length) {
        var sources = el("div", { class: "sources" });
        sources.appendChild(el("p", { class: "sources-label" }, cites.length > 1 ? "Sources" : "Source"));
        var list = el("ul");
        cites.forEach(function (c) {
          var li = el("li");
          var a = el("a", { href: resolve(c.url), class: "cite" }, c.section);
          // The panel steps aside, so the section the link opens (on this page or the next) is in view.
          a.addEventListener("click", function () { shut(false); });
          li.appendChild(a);
          li.appendChild(el("span", { class: "article" }, c.article));
          list.appendChild(li);
        });
        sources.appendChild(list);
        item.appendChild(sources);
      }
      item.appendChild(el("p", { class: "disclaimer" }, data.disclaimer));
      if (data.suggestions.length && !urgent) {
        item.appendChild(chips(data.suggestions, data.status === "answered" ? "You could also ask:" : "You could ask:"));
      }
      if (data.status === "answered" && data.id) item.appendChild(feedback(entry));
      if (live) {
        var spoken = (urgent ? "Urgent. " : "") +
          (data.assumed_topic ? "Reading this as about " + data.assumed_topic + ". " : "") + data.answer +
          (cites.length ? " Source: " + cites.map(function (c) { return c.section; }).join(", ") + "." : "");
        announce(spoken, urgent);
      }
      return item;
    }

    function showProblem(problem, question) {
      var item = addMessage("bot " + (problem.retry ? "error" : "notice"));
      item.appendChild(el("p", {}, problem.text));
      if (problem.retry) {
        var retry = el("button", { type: "button", class: "retry" }, "Try again");
        retry.addEventListener("click", function () {
          if (state.busy) return;
          item.remove();
          input.focus();
          request(question);
        });
        item.appendChild(retry);
      }
      announce(problem.text, false);
      return item;
    }

    // --- feedback on an answer --------------------------------------------------------------------

    /** "Helpful" / "Not helpful" (then an optional reason), sent once per answer, failures quiet. */
    function feedback(entry) {
      var box = el("div", { class: "feedback" });
      if (entry.fb) {
        box.appendChild(el("p", { class: "thanks" }, "Thank you for your feedback."));
        return box;
      }
      var rate = el("div", { class: "rate", role: "group", "aria-label": "Was this answer helpful?" });
      rate.appendChild(el("p", { class: "rate-label", "aria-hidden": "true" }, "Was this helpful?"));
      var yes = el("button", { type: "button", class: "vote" }, "Helpful");
      var no = el("button", { type: "button", class: "vote" }, "Not helpful");
      rate.appendChild(yes);
      rate.appendChild(no);
      box.appendChild(rate);

      function done(helpful, reason) {
        if (state.pending && state.pending.entry === entry) state.pending = null;
        entry.fb = helpful ? "helpful" : "not_helpful";
        store.save(state.log);
        sendFeedback(entry.data.id, helpful, reason, false);
        var hadFocus = box.contains(shadow.activeElement);
        box.textContent = "";
        box.appendChild(el("p", { class: "thanks", tabindex: "-1" }, "Thank you for your feedback."));
        if (hadFocus) box.firstChild.focus();
        announce("Thank you for your feedback.", false);
      }

      yes.addEventListener("click", function () { done(true, null); });
      no.addEventListener("click", function () {
        flushFeedback(); // another answer's unfinished "not helpful"
        box.textContent = "";
        var labelId = "qa-why-" + (++state.groups);
        var why = el("div", { class: "reasons", role: "group", "aria-labelledby": labelId });
        why.appendChild(el("p", { id: labelId, class: "rate-label" }, "What was wrong? (optional)"));
        REASONS.forEach(function (r) {
          var b = el("button", { type: "button", class: "reason" }, r[1]);
          b.addEventListener("click", function () { done(false, r[0]); });
          why.appendChild(b);
        });
        var skip = el("button", { type: "button", class: "reason skip" }, "Skip");
        skip.addEventListener("click", function () { done(false, null); });
        why.appendChild(skip);
        box.appendChild(why);
        why.querySelector("button").focus();
        // Sent without a reason if the patient moves on without choosing one.
        state.pending = { entry: entry, send: function () { done(false, null); } };
      });
      return box;
    }

    function flushFeedback() {
      if (state.pending) state.pending.send();
    }

    function sendFeedback(answerId, helpful, reason, keepalive) {
      var body = { answer_id: answerId, helpful: helpful };
      if (reason) body.reason = reason;
      try {
        fetch(api + "/api/feedback", {
          method: "POST", credentials: "omit", keepalive: !!keepalive,
          headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
        }).catch(function () { /* quiet: feedback never gets in the way of the conversation */ });
      } catch (e) { /* quiet, as above */ }
    }

    // --- talking to the API ------------------------------------------------------------------

    function ask(question) {
      if (state.busy || !question.trim()) return;
      flushFeedback();
      state.log.push({ t: "q", text: question });
      store.save(state.log);
      restart.hidden = false;
      reveal(showQuestion(question));
      request(question);
    }

    function request(question) {
      state.busy = true;
      form.setAttribute("aria-busy", "true");
      var typing = addMessage("bot typing");
      typing.appendChild(el("span", { class: "sr-only" }, "The assistant is typing"));
      for (var i = 0; i < 3; i++) typing.appendChild(el("span", { class: "dot", "aria-hidden": "true" }));
      var asked = messages.querySelectorAll(".msg.user");
      var questionItem = asked[asked.length - 1];
      // The turns before this question (which is already the log's last entry).
      var history = historyOf(state.log.slice(0, -1));
      var body = { question: question };
      if (history.length) body.history = history;

      post(body)
        .then(function (res) {
          // A server that cannot use the turns (an older one, or turns it finds wrong) still answers
          // the question on its own: better than an error the patient can do nothing about.
          return res.r.status === 400 && body.history ? post({ question: question }) : res;
        })
        .then(function (res) {
          typing.remove();
          if (res.r.ok && res.data && res.data.status) {
            var entry = { t: "a", data: keep(res.data) };
            state.log.push(entry);
            store.save(state.log);
            showAnswer(entry, true);
          } else {
            var code = res.data && res.data.error && res.data.error.code;
            answerProblem(problemOf(res.r.status, code, question, state.maxChars), question);
          }
        })
        .catch(function () {
          typing.remove();
          answerProblem(problemOf(0, null, question, state.maxChars), question);
        })
        .then(function () {
          state.busy = false;
          form.removeAttribute("aria-busy");
          // Show the whole turn from the patient's own question down (never under the header).
          if (questionItem && questionItem.isConnected) reveal(questionItem);
        });
    }

    function post(body) {
      var options = {
        method: "POST", credentials: "omit", headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      };
      if (window.AbortSignal && AbortSignal.timeout) options.signal = AbortSignal.timeout(TIMEOUT_MS);
      return fetch(api + "/api/ask", options).then(function (r) {
        return r.json().catch(function () { return null; }).then(function (data) { return { r: r, data: data }; });
      });
    }

    function answerProblem(problem, question) {
      showProblem(problem, question);
      if (problem.edit) {
        // The patient fixes it: the question goes back in the box, and out of the conversation.
        state.log.pop();
        store.save(state.log);
        var asked = messages.querySelectorAll(".msg.user");
        if (asked.length) asked[asked.length - 1].remove();
        if (!input.value) {
          input.value = question;
          count();
        }
      }
    }

    /** The conversation so far in this tab, drawn again after a page change (not announced). */
    function restore() {
      // A question left without a reply (an error, or a page change before it came) is dropped.
      state.log = state.log.filter(function (entry, i, log) {
        return entry.t !== "q" || (log[i + 1] && log[i + 1].t === "a");
      });
      state.log.forEach(function (entry) {
        if (entry.t === "q") showQuestion(entry.text);
        else if (entry.t === "a" && entry.data) showAnswer(entry, false);
      });
      restart.hidden = !state.log.length;
    }

    function newConversation() {
      if (state.busy) return; // the reply on its way belongs to this conversation
      flushFeedback();
      state.log = [];
      store.clear();
      messages.textContent = "";
      restart.hidden = true;
      greet();
      input.focus();
      announce("New conversation started.", false);
    }

    // --- opening, closing, keys ----------------------------------------------------------------

    function open() {
      panel.hidden = false;
      root.classList.add("open");
      launcher.setAttribute("aria-expanded", "true");
      if (!state.greeted) {
        greet();
        restore();
      }
      var asked = messages.querySelectorAll(".msg.user");
      if (asked.length) reveal(asked[asked.length - 1]);
      input.focus();
    }

    function shut(refocus) {
      panel.hidden = true;
      root.classList.remove("open");
      launcher.setAttribute("aria-expanded", "false");
      if (refocus !== false) launcher.focus();
    }

    setLimit(state.maxChars);
    launcher.addEventListener("click", function () { if (panel.hidden) open(); else shut(); });
    close.addEventListener("click", shut);
    restart.addEventListener("click", newConversation);
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        event.preventDefault();
        shut();
      }
    });
    input.addEventListener("input", count);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var question = input.value;
      if (state.busy || !question.trim()) return;
      input.value = "";
      count();
      ask(question);
    });
    // A "not helpful" left without a reason is still sent when the patient leaves the page.
    window.addEventListener("pagehide", function () {
      if (!state.pending) return;
      var entry = state.pending.entry;
      state.pending = null;
      entry.fb = "not_helpful";
      store.save(state.log);
      sendFeedback(entry.data.id, false, null, true);
    });
  }

  if (document.body) build();
  else document.addEventListener("DOMContentLoaded", build);
})();
