// Cairn's dashboard: confirmation of the deploy and rollback forms, and a run page's live graph
// and logs from the server's events. No other script runs on these pages (see their CSP).
"use strict";

document.querySelectorAll("form[data-confirm]").forEach((form) => {
  form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
});

const log = document.getElementById("log");
const graph = document.getElementById("graph");
if (log && graph && window.mermaid) {
  window.mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: "neutral" });
  let drawings = 0;
  let drawing = Promise.resolve();
  const draw = (source) => {
    // One drawing at a time, in order: a later state never gets painted over by an earlier one.
    drawing = drawing.then(async () => {
      const { svg } = await window.mermaid.render("state-graph-" + drawings++, source);
      graph.innerHTML = svg;
      graph.dataset.drawn = String(drawings);
    }).catch((error) => {
      graph.textContent = "The graph could not be drawn: " + error;
    });
  };
  const marks = (states) => {
    states.forEach((state) => {
      const item = document.querySelector('#states li[data-state="' + CSS.escape(state.name) + '"]');
      if (item) {
        item.className = state.mark;
      }
    });
  };
  draw(document.getElementById("graph-source").textContent);

  const source = new EventSource(log.dataset.events);
  source.addEventListener("reset", () => {
    log.textContent = "";
  });
  source.addEventListener("graph", (event) => {
    const update = JSON.parse(event.data);
    document.getElementById("run-status").textContent = update.status;
    marks(update.states);
    draw(update.mermaid);
  });
  source.addEventListener("log", (event) => {
    const chunk = JSON.parse(event.data);
    const follow = window.innerHeight + window.scrollY >= document.body.scrollHeight - 20;
    log.append(document.createTextNode(chunk.text));
    if (follow) {
      window.scrollTo(0, document.body.scrollHeight);
    }
  });
  source.addEventListener("end", () => {
    source.close();
    log.dataset.ended = "true";
  });
}

const dora = document.getElementById("dora-data");
if (dora && window.Chart) {
  const data = JSON.parse(dora.textContent);
  const charts = {
    deployments: { title: "Deployments per day", type: "bar" },
    leadTimeMinutes: { title: "Lead time for changes (median, minutes)", type: "line" },
    failureRate: { title: "Change failure rate (%)", type: "line" },
    restoreMinutes: { title: "Time to restore (median, minutes)", type: "line" },
  };
  const colours = ["#1d4ed8", "#15803d", "#b45309", "#7c3aed", "#be123c", "#0e7490"];
  Object.entries(charts).forEach(([measure, chart]) => {
    new window.Chart(document.getElementById("chart-" + measure), {
      type: chart.type,
      data: {
        labels: data.days,
        datasets: data.environments.map((environment, i) => ({
          label: environment.name,
          data: environment[measure],
          backgroundColor: colours[i % colours.length],
          borderColor: colours[i % colours.length],
          spanGaps: true,
        })),
      },
      options: {
        animation: false,
        plugins: { title: { display: true, text: chart.title } },
        scales: { y: { beginAtZero: true } },
      },
    });
  });
}
