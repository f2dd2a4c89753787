// briefing preview: added by the preview server to the page it serves, never to dist/.
// Reloads the page when a newer build is ready (keeping the scroll position), shows the
// problems of a failed build over the page, and whether the PDF is current.
(() => {
  "use strict";
  const shown = Number(document.currentScript.dataset.version);
  const SCROLL = "briefing-preview-scroll";
  history.scrollRestoration = "manual";
  const saved = sessionStorage.getItem(SCROLL);
  if (saved !== null) {
    sessionStorage.removeItem(SCROLL);
    window.scrollTo(0, Number(saved));
  }

  // A shadow root keeps the brief's styles and the preview's apart.
  const host = document.createElement("briefing-preview");
  host.style.all = "initial";
  document.body.append(host);
  const root = host.attachShadow({ mode: "open" });
  root.innerHTML = `<style>
    .problems { position: fixed; inset: 0 0 auto 0; max-height: 70vh; overflow: auto;
      background: #fff8f6; color: #3a0d05; border-bottom: 4px solid #b3261e;
      font: 15px/1.45 system-ui, sans-serif; padding: 1em 1.5em; z-index: 2147483647;
      box-shadow: 0 4px 18px rgb(0 0 0 / .25); }
    .problems[hidden], .pdf[hidden] { display: none; }
    h2 { font-size: 17px; margin: 0 0 .6em; }
    li { margin: .5em 0; list-style: none; }
    ul { padding: 0; margin: 0; }
    code { font: 14px/1.4 ui-monospace, monospace; font-weight: 600; }
    .warning code { color: #7a5200; }
    pre { white-space: pre-wrap; margin: .25em 0 0 1.5em; font: 13px/1.4 ui-monospace, monospace;
      color: #4d4d4d; }
    .pdf { position: fixed; right: 12px; bottom: 12px; z-index: 2147483647;
      font: 13px/1.3 system-ui, sans-serif; background: #1d2733; color: #fff;
      padding: .45em .8em; border-radius: 6px; opacity: .9; }
    .pdf a { color: #9cd0ff; }
  </style>
  <section class="problems" role="alert" hidden><h2></h2><ul></ul></section>
  <div class="pdf" role="status"></div>`;
  const problems = root.querySelector(".problems");
  const pdf = root.querySelector(".pdf");

  function showProblems(state) {
    problems.hidden = !state.failed && !state.problems.some((p) => p.severity === "error");
    if (problems.hidden) return;
    const errors = state.problems.filter((p) => p.severity === "error").length;
    problems.querySelector("h2").textContent =
      `The build failed with ${errors} error${errors === 1 ? "" : "s"}; ` +
      "the page below is the last one that built.";
    const list = problems.querySelector("ul");
    list.replaceChildren(
      ...state.problems.map((p) => {
        const item = document.createElement("li");
        item.className = p.severity;
        const where = document.createElement("code");
        where.textContent = `${p.where}: ${p.severity}:`;
        item.append(where, ` ${p.message}`);
        if (p.hint) {
          const hint = document.createElement("pre");
          hint.textContent = p.hint;
          item.append(hint);
        }
        return item;
      }),
    );
  }

  const PDF = {
    waiting: "PDF: waiting for the first build",
    typesetting: "PDF: typesetting…",
    current: 'PDF: current, <a href="/brief.pdf" target="_blank">open</a>',
    failed: "PDF: failed (see above)",
    outdated: 'PDF: <a href="/brief.pdf" target="_blank">from an earlier build</a>; the brief has errors',
  };

  const events = new EventSource("/events");
  events.onmessage = (message) => {
    const state = JSON.parse(message.data);
    if (state.version > shown) {
      sessionStorage.setItem(SCROLL, String(window.scrollY));
      location.reload();
      return;
    }
    showProblems(state);
    pdf.innerHTML = PDF[state.pdf] ?? `PDF: ${state.pdf}`;
    pdf.dataset.state = state.pdf;
  };
})();
