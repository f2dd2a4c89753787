// briefing preview: added by the preview server to the page it serves, never to dist/.
// Reloads the page when another build is ready (keeping the scroll position), shows the
// problems of a failed build over the page, its warnings on demand, and the PDF's state.
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
    .problems.warnings { background: #fffbeb; color: #3d2c00; border-color: #b7791f; }
    [hidden] { display: none !important; }
    h2 { font-size: 17px; margin: 0 0 .6em; }
    li { margin: .5em 0; list-style: none; }
    ul { padding: 0; margin: 0; }
    code { font: 14px/1.4 ui-monospace, monospace; font-weight: 600; }
    .warning code { color: #7a5200; }
    pre { white-space: pre-wrap; margin: .25em 0 0 1.5em; font: 13px/1.4 ui-monospace, monospace;
      color: #4d4d4d; }
    .bar { position: fixed; right: 12px; bottom: 12px; z-index: 2147483647; display: flex;
      gap: 8px; font: 13px/1.3 system-ui, sans-serif; }
    .bar > * { background: #1d2733; color: #fff; padding: .45em .8em; border-radius: 6px;
      opacity: .92; border: 0; font: inherit; }
    .bar a { color: #9cd0ff; }
    button { cursor: pointer; background: #7a5200 !important; }
  </style>
  <section class="problems" role="alert" hidden><h2></h2><ul></ul></section>
  <div class="bar"><button class="toggle" hidden></button><div class="pdf" role="status"></div></div>`;
  const problems = root.querySelector(".problems");
  const toggle = root.querySelector(".toggle");
  const pdf = root.querySelector(".pdf");
  let state = null;
  let showWarnings = false;

  function count(n, noun) {
    return `${n} ${noun}${n === 1 ? "" : "s"}`;
  }

  function heading(errors, warnings) {
    if (!errors) return `${count(warnings, "warning")}; the page is current.`;
    if (state.failed && !state.version) return `The build failed with ${count(errors, "error")}; nothing has built yet.`;
    if (state.failed) return `The build failed with ${count(errors, "error")}; the page below is the last one that built.`;
    return `The PDF failed with ${count(errors, "error")}; the page is current.`;
  }

  function render() {
    const errors = state.problems.filter((p) => p.severity === "error").length;
    const warnings = state.problems.length - errors;
    toggle.hidden = errors > 0 || warnings === 0;
    toggle.textContent = showWarnings ? "Hide warnings" : count(warnings, "warning");
    problems.hidden = !(errors || (warnings && showWarnings));
    problems.classList.toggle("warnings", !errors);
    if (problems.hidden) return;
    problems.querySelector("h2").textContent = heading(errors, warnings);
    problems.querySelector("ul").replaceChildren(
      ...state.problems.map((p) => {
        const item = document.createElement("li");
        item.className = p.severity;
        const where = document.createElement("code");
        where.textContent = p.where ? `${p.where}: ${p.severity}:` : `${p.severity}:`;
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

  toggle.addEventListener("click", () => {
    showWarnings = !showWarnings;
    render();
  });

  const PDF = {
    waiting: "PDF: waiting for the first build",
    typesetting: "PDF: typesetting…",
    current: 'PDF: current, <a href="/brief.pdf" target="_blank">open</a>',
    failed: "PDF: failed (see above)",
    outdated: 'PDF: <a href="/brief.pdf" target="_blank">from an earlier build</a>; the brief has errors',
    offline: "Preview stopped: this page reloads when it is back",
  };

  function showPdf(name) {
    pdf.innerHTML = PDF[name] ?? `PDF: ${name}`;
    pdf.dataset.state = name;
  }

  const events = new EventSource("/events");
  events.onmessage = (message) => {
    state = JSON.parse(message.data);
    if (state.version !== shown) {
      // Another build is ready, or another preview serves this address: show its page.
      sessionStorage.setItem(SCROLL, String(window.scrollY));
      location.reload();
      return;
    }
    render();
    showPdf(state.pdf);
  };
  events.onerror = () => showPdf("offline"); // the browser tries again by itself
})();
