/*
 * qa-bot chat widget. Embed with one tag:
 *
 *   <script src="https://clinic.example/widget.js" data-api="https://clinic.example" defer></script>
 *
 * Optional attributes: data-phone (emergency number for the call link, default 911) and
 * data-title (the panel's heading).
 *
 * Plain JavaScript, no build step, no third-party requests. It works under a strict
 * Content-Security-Policy: no inline script or style, no innerHTML. Its styles live in an open
 * Shadow DOM and come from widget.css through a <link>, so the host page and the widget cannot
 * restyle each other. Every piece of corpus or patient text is inserted with textContent.
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
  var TIMEOUT_MS = 20000;

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

  /** A citation's link: relative URLs resolve against the API's server, not the host page. */
  function resolve(url) {
    try {
      var u = new URL(url, api + "/");
      return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
    } catch (e) {
      return null;
    }
  }

  // --- building the widget -----------------------------------------------------------------

  function build() {
    var host = el("qa-bot-widget");
    // Inline styles set through the CSSOM are allowed by CSP; they stop a host rule such as
    // "div { color: red }" or "* { font-size: 30px }" from reaching the shadow tree by inheritance.
    host.style.setProperty("all", "initial", "important");
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
    var close = el("button", { type: "button", class: "close", "aria-label": "Close the chat" });
    close.appendChild(icon(ICON_CLOSE));
    head.appendChild(titles);
    head.appendChild(close);

    var messages = el("ol", { class: "messages", "aria-label": "Conversation" });
    var polite = el("div", { class: "sr-only", role: "status", "aria-live": "polite" });
    var assertive = el("div", { class: "sr-only", role: "alert", "aria-live": "assertive" });

    var form = el("form", { class: "composer" });
    var label = el("label", { for: "qa-input", class: "sr-only" }, "Your question");
    var input = el("textarea", {
      id: "qa-input", rows: "1", placeholder: "Type your question…", autocomplete: "off",
      "aria-describedby": "qa-hint",
    });
    var hint = el("p", { id: "qa-hint", class: "hint" }, "Enter to send · Shift+Enter for a new line · Esc to close");
    var send = el("button", { type: "submit", class: "send", "aria-label": "Send" });
    send.appendChild(icon(ICON_SEND));
    form.appendChild(label);
    form.appendChild(input);
    form.appendChild(send);

    panel.appendChild(head);
    panel.appendChild(messages);
    panel.appendChild(form);
    panel.appendChild(hint);
    panel.appendChild(polite);
    panel.appendChild(assertive);
    root.appendChild(panel);
    root.appendChild(launcher);
    document.body.appendChild(host);

    var state = { busy: false, greeted: false };

    // --- messages ----------------------------------------------------------------------------

    function addMessage(kind) {
      var item = el("li", { class: "msg " + kind });
      messages.appendChild(item);
      return item;
    }

    /** Scroll so a new message shows: all of it if it fits, else its start (read from the top). */
    function reveal(item) {
      messages.scrollTop = item.offsetTop - messages.offsetTop - 12; // the browser clamps to the end
    }

    function announce(text, urgent) {
      var region = urgent ? assertive : polite;
      region.textContent = "";
      // A fresh text node after a tick makes screen readers announce a repeated answer again.
      window.setTimeout(function () { region.textContent = text; }, 50);
    }

    function greet() {
      state.greeted = true;
      var item = addMessage("bot greeting");
      item.appendChild(el("p", {}, "Hello! Ask me about our clinic's health articles. " +
        "I answer by quoting them and linking to the section I quote."));
      fetch(api + "/api/topics", { credentials: "omit" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data || !data.suggestions || !data.suggestions.length) return;
          var list = el("ul", { class: "suggestions", "aria-label": "Suggested questions" });
          data.suggestions.forEach(function (q) {
            var li = el("li");
            var chip = el("button", { type: "button", class: "chip" }, q);
            chip.addEventListener("click", function () { ask(q); });
            li.appendChild(chip);
            list.appendChild(li);
          });
          item.appendChild(list);
        })
        .catch(function () { /* no suggestions: the patient can still type a question */ });
    }

    function showAnswer(data) {
      var urgent = data.status === "urgent";
      var item = addMessage("bot answer" + (urgent ? " urgent" : ""));
      if (urgent) {
        var badge = el("p", { class: "badge" });
        badge.appendChild(icon(ICON_ALERT));
        badge.appendChild(el("span", {}, "This may be urgent"));
        item.appendChild(badge);
      }
      item.appendChild(el("p", { class: "text" }, data.answer));
      if (urgent) {
        var call = el("a", { class: "call", href: "tel:" + phone.replace(/[^0-9+*#]/g, "") }, "Call " + phone);
        item.appendChild(call);
      }
      var cites = (data.citations || []).filter(function (c) { return resolve(c.url); });
      if (cites.length) {
        var sources = el("div", { class: "sources" });
        sources.appendChild(el("p", { class: "sources-label" }, cites.length > 1 ? "Sources" : "Source"));
        var list = el("ul");
        cites.forEach(function (c) {
          var li = el("li");
          var a = el("a", { href: resolve(c.url), class: "cite" }, c.section);
          li.appendChild(a);
          li.appendChild(el("span", { class: "article" }, c.article));
          list.appendChild(li);
        });
        sources.appendChild(list);
        item.appendChild(sources);
      }
      item.appendChild(el("p", { class: "disclaimer" }, data.disclaimer));
      reveal(item);
      var spoken = (urgent ? "Urgent. " : "") + data.answer +
        (cites.length ? " Source: " + cites.map(function (c) { return c.section; }).join(", ") + "." : "");
      announce(spoken, urgent);
    }

    function showProblem(message) {
      var item = addMessage("bot notice");
      item.appendChild(el("p", {}, message));
      reveal(item);
      announce(message, false);
    }

    function showUnreachable(question) {
      var item = addMessage("bot error");
      var text = "We couldn't reach the assistant. Please check your connection and try again.";
      item.appendChild(el("p", {}, text));
      var retry = el("button", { type: "button", class: "retry" }, "Try again");
      retry.addEventListener("click", function () {
        item.remove();
        input.focus();
        request(question);
      });
      item.appendChild(retry);
      reveal(item);
      announce(text, false);
    }

    // --- talking to the API ------------------------------------------------------------------

    function ask(question) {
      if (state.busy || !question.trim()) return;
      var item = addMessage("user");
      item.appendChild(el("p", {}, question));
      reveal(item);
      request(question);
    }

    function request(question) {
      state.busy = true;
      form.setAttribute("aria-busy", "true");
      var typing = addMessage("bot typing");
      typing.appendChild(el("span", { class: "sr-only" }, "The assistant is typing"));
      for (var i = 0; i < 3; i++) typing.appendChild(el("span", { class: "dot", "aria-hidden": "true" }));
      reveal(typing);

      var options = {
        method: "POST", credentials: "omit", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ question: question }),
      };
      if (window.AbortSignal && AbortSignal.timeout) options.signal = AbortSignal.timeout(TIMEOUT_MS);
      fetch(api + "/api/ask", options)
        .then(function (r) {
          return r.json().catch(function () { return null; }).then(function (data) { return { r: r, data: data }; });
        })
        .then(function (res) {
          typing.remove();
          if (res.r.ok && res.data && res.data.status) {
            showAnswer(res.data);
          } else if (res.r.status >= 400 && res.r.status < 500 && res.data && res.data.error) {
            showProblem(res.data.error.message); // the patient can fix it (too long, empty)
          } else {
            showUnreachable(question);
          }
        })
        .catch(function () {
          typing.remove();
          showUnreachable(question);
        })
        .then(function () {
          state.busy = false;
          form.removeAttribute("aria-busy");
        });
    }

    // --- opening, closing, keys ----------------------------------------------------------------

    function open() {
      panel.hidden = false;
      root.classList.add("open");
      launcher.setAttribute("aria-expanded", "true");
      if (!state.greeted) greet();
      input.focus();
    }

    function shut() {
      panel.hidden = true;
      root.classList.remove("open");
      launcher.setAttribute("aria-expanded", "false");
      launcher.focus();
    }

    launcher.addEventListener("click", function () { (panel.hidden ? open : shut)(); });
    close.addEventListener("click", shut);
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        event.preventDefault();
        shut();
      }
    });
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
      ask(question);
    });
  }

  if (document.body) build();
  else document.addEventListener("DOMContentLoaded", build);
})();
