// The popup: saves the current tab when opened (or shows the outcome of a context-menu save
// that just happened), and asks for the pairing token when Readmark does not know this browser.

const api = globalThis.browser ?? globalThis.chrome;
const FRESH_MS = 10000;

const $ = (id) => document.getElementById(id);

const HEADLINES = {
  saving: "Saving…",
  saved: "Saved to Readmark",
  updated: "Already in Readmark: updated",
  not_running: "Readmark is not running",
  not_paired: "Pair this browser with Readmark",
  refused: "Readmark did not save this page",
};

const HIGHLIGHTS = {
  added: "The selection is highlighted in the article.",
  exists: "The selection was already highlighted.",
  not_found: "The selection is not in the article's text, so no highlight was added.",
};

let lastId = null;

function show(result) {
  const state = HEADLINES[result.state] ? result.state : "refused";
  $("popup").dataset.state = state;
  $("headline").textContent = HEADLINES[state];
  let detail = "";
  if (state === "saved" || state === "updated") detail = result.title || "";
  else if (state === "not_running")
    detail = "Open the Readmark app (or run readmark-cli serve), then try again.";
  else if (state === "not_paired")
    detail = result.message || "Readmark needs its pairing token before it accepts pages.";
  else if (state === "refused") detail = result.message || "";
  $("detail").textContent = detail; // text only: never markup from a page or a server
  const note = result.highlight ? HIGHLIGHTS[result.highlight] : "";
  $("highlight").textContent = note || "";
  $("highlight").hidden = !note;
  lastId = result.id ?? null;
  $("open").hidden = !(state === "saved" || state === "updated");
  $("retry").hidden = !(state === "not_running" || state === "refused");
  $("pairing").hidden = state !== "not_paired";
  if (state === "not_paired") $("token").focus();
}

async function save() {
  show({ state: "saving" });
  show(await api.runtime.sendMessage({ type: "save" }));
}

async function start() {
  const { lastResult, token, port } = await api.storage.local.get(["lastResult", "token", "port"]);
  if (token) $("token").value = token;
  if (port) $("port").value = String(port);
  if (lastResult && lastResult.fromMenu && Date.now() - lastResult.at < FRESH_MS) {
    await api.storage.local.remove("lastResult"); // shown once
    show(lastResult);
    return;
  }
  await save();
}

$("open").addEventListener("click", async () => {
  if (lastId === null) return;
  const answer = await api.runtime.sendMessage({ type: "open", id: lastId });
  if (answer && (answer.state === "saved" || answer.state === "updated")) window.close();
  else $("detail").textContent = "Open Readmark's window to read it; it is in your library.";
});

$("retry").addEventListener("click", save);

$("settings").addEventListener("click", (event) => {
  event.preventDefault();
  $("pairing").hidden = !$("pairing").hidden;
});

$("pairing").addEventListener("submit", async (event) => {
  event.preventDefault();
  const token = $("token").value.trim();
  const port = Number($("port").value.trim()) || null;
  await api.storage.local.set({ token, port });
  await save();
});

start();
