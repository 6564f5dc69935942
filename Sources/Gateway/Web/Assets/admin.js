// The ops dashboard: spend and images per day drawn as an SVG chart, top users, providers' health and
// statistics, the policy's last reload, and any user's effective limits. Admins only (the API says who is).
"use strict";

const $ = (id) => document.getElementById(id);
const SVG = "http://www.w3.org/2000/svg";

document.addEventListener("DOMContentLoaded", start);

let configuration = {};

async function start() {
  $("sign-out").addEventListener("click", signOut);
  $("dev-sign-in").addEventListener("submit", onDevSignIn);
  $("month-form").addEventListener("submit", onMonth);
  $("reload-button").addEventListener("click", onReload);
  $("limits-form").addEventListener("submit", onLimits);
  try {
    configuration = await pageConfiguration();
  } catch (error) {
    showPageError("The gateway cannot be reached. Check your connection and reload the page.");
    return;
  }
  if (Session.token()) await loadDashboard();
  else showSignIn();
}

function showPageError(text) {
  setText($("page-error"), text);
  $("page-error").hidden = !text;
}

function showSignIn(reason) {
  $("dashboard").hidden = true;
  $("sign-out").hidden = true;
  setText($("who"), "");
  $("sign-in").hidden = false;
  showPageError(reason || "");
  if (configuration.dev_sign_in) {
    $("dev-sign-in").hidden = false;
  } else if (configuration.google_client_id) {
    showGoogleSignIn(configuration.google_client_id, $("google-button"), loadDashboard);
  } else {
    setText($("sign-in-help"), "Sign-in is not set up on this gateway: add a Google client id to the policy.");
  }
}

async function onDevSignIn(event) {
  event.preventDefault();
  try {
    await devSignIn($("dev-email").value.trim());
  } catch (error) {
    showPageError(describeError(error));
    return;
  }
  await loadDashboard();
}

function signOut() {
  Session.signOut();
  showSignIn();
}

/** Shows an API error; a refused sign-in (or a non-admin) goes back to the sign-in. */
function failedCall(error, box) {
  if (error instanceof ApiError && ["missing_token", "invalid_token", "not_admin"].includes(error.code)) {
    if (error.code !== "not_admin") Session.signOut();
    showSignIn(describeError(error));
    $("sign-out").hidden = error.code !== "not_admin";
    return;
  }
  setText(box, describeError(error));
  box.hidden = false;
}

async function loadDashboard() {
  let me;
  try {
    me = await api("/v1/me");
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== "no_tier") {
      failedCall(error, $("page-error"));
      return;
    }
  }
  if (me && !me.is_admin) {
    showSignIn(ERROR_SENTENCES.not_admin());
    $("sign-out").hidden = false;
    return;
  }
  $("sign-in").hidden = true;
  showPageError("");
  $("sign-out").hidden = false;
  if (me) setText($("who"), `Signed in as ${me.identity.email || me.identity.subject}`);
  $("dashboard").hidden = false;
  await Promise.all([loadUsage(""), loadProviders(), loadPolicy()]);
}

function onMonth(event) {
  event.preventDefault();
  const month = $("month").value.trim();
  if (month && !/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) {
    showPageError("Write the month as YYYY-MM, for example 2026-11.");
    $("month").focus();
    return;
  }
  showPageError("");
  loadUsage(month);
}

async function loadUsage(month) {
  let answer;
  try {
    answer = await api(`/admin/usage${month ? `?month=${encodeURIComponent(month)}` : ""}`);
  } catch (error) {
    failedCall(error, $("page-error"));
    return;
  }
  const usage = answer.usage;
  $("month").value = usage.month;
  const days = perDay(usage);
  drawChart($("chart"), days, usage.month);
  fillTable(
    $("days-table"),
    ["Day", "Images", "Jobs", "Spend"],
    days.map((day) => [day.day, day.images, day.jobs, dollars(day.spend)]),
    [1, 2, 3]);
  const top = [...usage.users].sort((a, b) => b.spendMicros - a.spendMicros || b.images - a.images).slice(0, 10);
  fillTable(
    $("users-table"),
    ["User", "Images", "Jobs", "GPU s", "Spend"],
    top.map((user) => [
      user.email || `${user.user.issuer} ${user.user.subject}`,
      user.images,
      user.jobs,
      user.gpuSeconds.toFixed(1),
      dollars(user.spendMicros),
    ]),
    [1, 2, 3, 4],
    "No jobs closed this month.");
}

/** Every day of the month with its images, jobs and spend summed over users (zero where nothing happened). */
function perDay(usage) {
  const [year, month] = usage.month.split("-").map(Number);
  const count = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const days = [];
  for (let day = 1; day <= count; day += 1) {
    days.push({ day: `${usage.month}-${String(day).padStart(2, "0")}`, images: 0, jobs: 0, spend: 0 });
  }
  for (const row of usage.userDays) {
    const entry = days[Number(row.day.slice(8, 10)) - 1];
    if (!entry) continue;
    entry.images += row.images;
    entry.jobs += row.jobs;
    entry.spend += row.spendMicros;
  }
  return days;
}

function svg(tag, attributes = {}, text) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

/** Images per day as bars (left axis) and spend per day as a line (right axis), drawn as inline SVG. */
function drawChart(container, days, month) {
  const width = 760;
  const height = 260;
  const margin = { top: 16, right: 56, bottom: 28, left: 40 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const maxImages = Math.max(1, ...days.map((d) => d.images));
  const maxSpend = Math.max(1, ...days.map((d) => d.spend));
  const totalImages = days.reduce((sum, d) => sum + d.images, 0);
  const totalSpend = days.reduce((sum, d) => sum + d.spend, 0);
  const step = plotWidth / days.length;
  const x = (index) => margin.left + index * step;
  const yImages = (value) => margin.top + plotHeight - (value / maxImages) * plotHeight;
  const ySpend = (value) => margin.top + plotHeight - (value / maxSpend) * plotHeight;

  const chart = svg("svg", {
    viewBox: `0 0 ${width} ${height}`,
    class: "chart",
    role: "img",
    "aria-label": `${month}: ${totalImages} images and ${dollars(totalSpend)} spent in all`,
    "data-images": totalImages,
  });
  chart.append(svg("title", {}, `Images and spend per day, ${month}`));
  chart.append(svg("line", {
    class: "axis", x1: margin.left, y1: margin.top + plotHeight, x2: width - margin.right, y2: margin.top + plotHeight,
  }));
  chart.append(svg("line", { class: "axis", x1: margin.left, y1: margin.top, x2: margin.left, y2: margin.top + plotHeight }));
  chart.append(svg("line", {
    class: "axis", x1: width - margin.right, y1: margin.top, x2: width - margin.right, y2: margin.top + plotHeight,
  }));
  chart.append(svg("text", { x: margin.left - 6, y: margin.top + 4, "text-anchor": "end" }, String(maxImages)));
  chart.append(svg("text", { x: margin.left - 6, y: margin.top + plotHeight, "text-anchor": "end" }, "0"));
  chart.append(svg("text", { x: width - margin.right + 6, y: margin.top + 4 }, dollars(maxSpend)));
  chart.append(svg("text", { x: width - margin.right + 6, y: margin.top + plotHeight }, "$0"));

  days.forEach((day, index) => {
    if (day.images > 0) {
      const top = yImages(day.images);
      const bar = svg("rect", {
        class: "bar", x: x(index) + step * 0.15, y: top, width: step * 0.7, height: margin.top + plotHeight - top,
        fill: "#1d4ed8",
      });
      bar.append(svg("title", {}, `${day.day}: ${day.images} images, ${dollars(day.spend)}`));
      chart.append(bar);
    }
    if (index % 5 === 0 || index === days.length - 1) {
      chart.append(svg("text", {
        x: x(index) + step / 2, y: height - 8, "text-anchor": "middle",
      }, day.day.slice(8)));
    }
  });
  const points = days.map((day, index) => `${(x(index) + step / 2).toFixed(1)},${ySpend(day.spend).toFixed(1)}`);
  chart.append(svg("polyline", { class: "spend", points: points.join(" "), fill: "none", stroke: "#c2410c", "stroke-width": 2 }));
  container.replaceChildren(chart);
}

/** Fills a table; `numeric` are the indexes of right-aligned columns. */
function fillTable(table, headers, rows, numeric = [], empty = "Nothing to show.") {
  const head = h("thead", {}, h("tr", {}, headers.map((text, index) =>
    h("th", { scope: "col", class: numeric.includes(index) ? "number" : null }, text))));
  const body = h("tbody", {}, rows.length
    ? rows.map((row) => h("tr", {}, row.map((cell, index) =>
      h("td", { class: numeric.includes(index) ? "number" : null }, String(cell)))))
    : h("tr", {}, h("td", { colspan: headers.length }, empty)));
  table.replaceChildren(head, body);
}

async function loadProviders() {
  let states;
  let statistics;
  try {
    [states, statistics] = await Promise.all([api("/admin/providers"), api("/admin/providers/stats?days=30")]);
  } catch (error) {
    failedCall(error, $("page-error"));
    return;
  }
  const byName = new Map(statistics.providers.map((entry) => [entry.provider, entry]));
  const rows = states.providers.map((provider) => {
    const stats = byName.get(provider.name) || {};
    const circuit = provider.circuit || (provider.usable ? "closed" : "—");
    const retry = provider.retry_in_seconds ? ` (retry in ${provider.retry_in_seconds} s)` : "";
    return [
      provider.name,
      provider.kind,
      provider.usable ? "usable" : `unusable: ${provider.reason || "?"}`,
      circuit + retry,
      stats.attempts || 0,
      stats.success_rate === null || stats.success_rate === undefined ? "—" : `${(stats.success_rate * 100).toFixed(1)} %`,
      stats.latency_p50_ms === null || stats.latency_p50_ms === undefined ? "—" : `${stats.latency_p50_ms} ms`,
      stats.latency_p95_ms === null || stats.latency_p95_ms === undefined ? "—" : `${stats.latency_p95_ms} ms`,
      stats.failovers || 0,
    ];
  });
  fillTable(
    $("providers-table"),
    ["Provider", "Kind", "State", "Circuit", "Attempts", "Success", "Latency p50", "p95", "Failovers"],
    rows,
    [4, 5, 6, 7, 8],
    "No providers in the policy.");
}

async function loadPolicy() {
  let answer;
  try {
    answer = await api("/admin/policy");
  } catch (error) {
    failedCall(error, $("page-error"));
    return;
  }
  showReload(answer.reload);
}

function showReload(reload) {
  const items = [
    h("p", {}, h("span", { class: reload.healthy ? "state-ok" : "state-bad" },
      reload.healthy ? "Last reload OK." : "The last reload failed; the previous policy stays in force.")),
    h("p", {}, `Version ${reload.version}, loaded ${localTime(new Date(reload.loaded_at))} (${reload.loaded_by}) from `
      + `${reload.files.join(", ")}.`),
  ];
  if (reload.last_error) {
    items.push(h("p", {}, `Rejected ${localTime(new Date(reload.last_error.failed_at))} `
      + `(${reload.last_error.trigger}):`));
    items.push(h("pre", { class: "errors" }, reload.last_error.errors.join("\n")));
  }
  $("reload").replaceChildren(...items);
}

async function onReload() {
  $("reload-error").hidden = true;
  $("reload-button").disabled = true;
  try {
    const answer = await api("/admin/policy/reload", { method: "POST" });
    showReload(answer.reload);
  } catch (error) {
    failedCall(error, $("reload-error"));
    await loadPolicy();
  } finally {
    $("reload-button").disabled = false;
  }
}

const LIMIT_NAMES = {
  requests_per_minute: "Requests per minute",
  images_per_day: "Images per day",
  images_per_month: "Images per month",
  spend_per_day_usd: "Spend per day (USD)",
  spend_per_month_usd: "Spend per month (USD)",
  concurrent_jobs: "Jobs at once",
  max_steps: "Steps",
  max_width: "Width",
  max_height: "Height",
  max_prompt_length: "Prompt length",
  allowed_schedulers: "Schedulers",
};

async function onLimits(event) {
  event.preventDefault();
  $("limits-error").hidden = true;
  const email = $("limits-email").value.trim();
  if (!email.includes("@")) {
    setText($("limits-error"), "Enter the user's email address.");
    $("limits-error").hidden = false;
    $("limits-email").focus();
    return;
  }
  let view;
  try {
    view = await api(`/admin/users/${encodeURIComponent(email)}/limits`);
  } catch (error) {
    failedCall(error, $("limits-error"));
    return;
  }
  const summary = view.blocked
    ? `${view.email} is blocked (${view.blocked_by}).`
    : view.tier
      ? `${view.email} gets the ${view.tier} tier (rule: ${view.matched_rule})${view.admin ? " and is an admin" : ""}; `
        + `providers: ${view.providers.join(", ") || "none"}.`
      : `No rule of the policy gives ${view.email} a tier.`;
  const parts = [h("p", {}, summary)];
  if (view.limits) {
    const table = h("table");
    const quota = new Map((view.quota || []).map((window) => [window.window, window]));
    const used = (key) => {
      const window = quota.get(key.replace(/_usd$/, ""));
      if (!window) return "—";
      const spend = key.endsWith("_usd");
      const format = (value) => (spend ? dollars(value) : String(value));
      return window.remaining === null ? `${format(window.used)} used` : `${format(window.used)} used, ${format(window.remaining)} left`;
    };
    fillTable(table, ["Limit", "Value", "Now"], Object.entries(LIMIT_NAMES).map(([key, name]) => {
      const value = view.limits[key];
      const shown = value === null || value === undefined ? "unlimited" : Array.isArray(value) ? value.join(", ") : String(value);
      return [name, shown, used(key)];
    }), [1]);
    parts.push(h("div", { class: "table-scroll" }, table));
  }
  parts.push(h("p", { class: "hint" }, view.user ? `Known as ${view.user}. ${view.note}.` : `Never seen here. ${view.note}.`));
  $("limits").replaceChildren(...parts);
}
