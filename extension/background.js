// Save to Readmark: the toolbar button, the context menu and the conversation with the app.
//
// The app listens on 127.0.0.1 on the first free port of PORTS (or one the person set). Every
// request carries the pairing token the person pasted; every answer is JSON naming the app, so
// "Readmark is not running" (nothing answers), "not paired" (401) and "refused" (any other
// error) can be told apart.

const api = globalThis.browser ?? globalThis.chrome;

const PORTS = [47811, 47812, 47813, 47814, 47815];
const MENU_PAGE = "readmark-save-page";
const MENU_SELECTION = "readmark-save-selection";
const PROBE_TIMEOUT_MS = 1500;
const SAVE_TIMEOUT_MS = 120000;

// -- the app ------------------------------------------------------------------------------

async function settings() {
  const stored = await api.storage.local.get(["token", "port"]);
  return { token: (stored.token || "").trim(), port: Number(stored.port) || null };
}

async function request(port, token, path, body, timeoutMs) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal,
      cache: "no-store",
      credentials: "omit",
    });
    let data = null;
    try {
      data = await response.json();
    } catch (error) {
      data = null;
    }
    return { status: response.status, data };
  } finally {
    clearTimeout(timer);
  }
}

// The port where Readmark answers to this token, or the state to show when there is none.
async function discover(token, preferred) {
  const order = preferred ? [preferred, ...PORTS.filter((p) => p !== preferred)] : PORTS;
  let unpaired = null;
  for (const port of order) {
    let answer;
    try {
      answer = await request(port, token, "/api/v1/status", undefined, PROBE_TIMEOUT_MS);
    } catch (error) {
      continue; // nothing listening, or not in time
    }
    if (!answer.data || answer.data.app !== "readmark") continue;
    if (answer.status === 200) return { port };
    if (answer.status === 401) unpaired = { state: "not_paired", message: answer.data.message };
    else if (!unpaired) unpaired = { state: "refused", message: answer.data.message };
  }
  return unpaired || { state: "not_running" };
}

async function callApp(path, body) {
  const { token, port } = await settings();
  if (!token) return { state: "not_paired" };
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const found = await discover(token, port);
    if (!found.port) return found;
    if (found.port !== port) await api.storage.local.set({ port: found.port });
    let answer;
    try {
      answer = await request(found.port, token, path, body, SAVE_TIMEOUT_MS);
    } catch (error) {
      continue; // the app went away between the two requests: look again once
    }
    const data = answer.data || {};
    if (answer.status === 200) {
      return { state: data.status === "updated" ? "updated" : "saved", port: found.port, ...data };
    }
    if (answer.status === 401) return { state: "not_paired", message: data.message };
    return { state: "refused", message: data.message || `Readmark answered ${answer.status}.` };
  }
  return { state: "not_running" };
}

// -- saving a tab -------------------------------------------------------------------------

async function collect(tabId) {
  const [injection] = await api.scripting.executeScript({
    target: { tabId },
    files: ["collect.js"],
  });
  return injection ? injection.result : null;
}

async function saveTab(tab, withSelection, fromMenu = false) {
  if (!tab || tab.id === undefined) return { state: "refused", message: "There is no page to save." };
  await badge(tab.id, "…", "#6b7280");
  // Nothing is read from the page until Readmark is there and knows this browser.
  const { token, port } = await settings();
  let result = token ? await discover(token, port) : { state: "not_paired" };
  if (result.port) {
    let page = null;
    try {
      page = await collect(tab.id);
    } catch (error) {
      page = null;
    }
    if (!page) {
      result = { state: "refused", message: "The browser does not let extensions read this page." };
    } else if (withSelection && !page.selection) {
      result = { state: "refused", message: "Select the words to highlight first." };
    } else {
      const body = { url: page.url, title: page.title, html: page.html };
      if (withSelection) body.selection = page.selection;
      result = await callApp("/api/v1/capture", body);
    }
  }
  // A menu's result waits for the popup it opens; the popup's own save shows it there already.
  result = { ...result, page: tab.url, at: Date.now(), fromMenu };
  await api.storage.local.set({ lastResult: result });
  const ok = result.state === "saved" || result.state === "updated";
  await badge(tab.id, ok ? "✓" : "!", ok ? "#2f7d4f" : "#b42318");
  return result;
}

async function badge(tabId, text, color) {
  try {
    await api.action.setBadgeBackgroundColor({ tabId, color });
    await api.action.setBadgeText({ tabId, text });
  } catch (error) {
    // the tab closed meanwhile
  }
}

async function activeTab() {
  const [tab] = await api.tabs.query({ active: true, currentWindow: true });
  return tab;
}

// -- the browser's entry points -----------------------------------------------------------

async function createMenus() {
  // Promise forms: Firefox's menus take no callbacks.
  await api.contextMenus.removeAll();
  api.contextMenus.create({ id: MENU_PAGE, title: "Save to Readmark", contexts: ["page", "selection"] });
  api.contextMenus.create({
    id: MENU_SELECTION,
    title: "Save selection as a highlight",
    contexts: ["selection"],
  });
}

async function onMenuClicked(info, tab) {
  if (info.menuItemId !== MENU_PAGE && info.menuItemId !== MENU_SELECTION) return null;
  const result = await saveTab(tab, info.menuItemId === MENU_SELECTION, true);
  // Show the outcome where the browser allows it (some only on a user gesture); the badge says
  // it anyway. Not awaited: a browser that never answers must not hold the result back.
  try {
    Promise.resolve(api.action.openPopup()).catch(() => {});
  } catch (error) {
    // no openPopup in this browser
  }
  return result;
}

async function onMessage(message) {
  if (message && message.type === "save") return saveTab(await activeTab(), false);
  if (message && message.type === "open") return callApp("/api/v1/open", { id: message.id });
  if (message && message.type === "check") return callApp("/api/v1/status");
  return null;
}

api.runtime.onInstalled.addListener(createMenus);
api.runtime.onStartup.addListener(createMenus);
api.contextMenus.onClicked.addListener((info, tab) => {
  onMenuClicked(info, tab);
});
api.runtime.onMessage.addListener((message, sender, sendResponse) => {
  onMessage(message).then(sendResponse, (error) =>
    sendResponse({ state: "refused", message: String(error && error.message ? error.message : error) })
  );
  return true; // the answer comes later
});
