// The gateway's API as the pages use it: the signed-in token, calls with the Bearer token, errors turned into
// sentences a person understands, and a job's server-sent events read through fetch (EventSource cannot send
// the Authorization header the events endpoint needs).
"use strict";

const TOKEN_KEY = "id_token";

/** An error answer of the API (or a network failure), with the gateway's code and details. */
class ApiError extends Error {
  constructor(status, body, headers) {
    const error = (body && body.error) || {};
    super(error.message || `HTTP ${status}`);
    this.status = status;
    this.code = error.code || (status === 0 ? "network" : "unexpected");
    this.details = error;
    this.requestID = error.request_id || (headers && headers.get("X-Request-Id")) || "";
    const retry = headers && Number(headers.get("Retry-After"));
    this.retryAfter = Number.isFinite(retry) && retry > 0 ? retry : null;
  }
}

const Session = {
  token() {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  signIn(token) {
    sessionStorage.setItem(TOKEN_KEY, token);
  },
  signOut() {
    sessionStorage.removeItem(TOKEN_KEY);
  },
};

/** Calls the API with the session's token; resolves to the parsed JSON (or the Response for `raw`). */
async function api(path, { method = "GET", body, raw = false, signal, headers: extra = {} } = {}) {
  const headers = { Accept: "application/json", ...extra };
  const token = Session.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : encodeJSON(body),
      signal,
      cache: "no-store",
    });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(0, null, null);
  }
  if (!response.ok) {
    let parsed = null;
    try {
      parsed = await response.json();
    } catch (ignored) {
      parsed = null;
    }
    throw new ApiError(response.status, parsed, response.headers);
  }
  return raw ? response : decodeJSON(await response.text());
}

// Seeds are 64-bit integers, beyond what a JavaScript number holds exactly: they travel as JSON numbers but
// live in the page as strings of digits.
function encodeJSON(value) {
  return JSON.stringify(value).replace(/"seed":"(\d+)"/g, '"seed":$1');
}

function decodeJSON(text) {
  return JSON.parse(text.replace(/"seed":(\d+)/g, '"seed":"$1"'));
}

/**
 * Follows a job's server-sent events (`GET .../events`), calling `onEvent(name, data)` for each; resolves when
 * the stream ends. Parses the `text/event-stream` format: blocks separated by a blank line, `event:` and
 * `data:` fields, `:` comments.
 */
async function followEvents(path, onEvent, signal) {
  const response = await api(path, { raw: true, signal });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value.replace(/\r\n?/g, "\n");
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line === "" || line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        let text = colon < 0 ? "" : line.slice(colon + 1);
        if (text.startsWith(" ")) text = text.slice(1);
        if (field === "event") name = text;
        else if (field === "data") data.push(text);
      }
      if (data.length === 0) continue; // no data: not dispatched (e.g. the gateway's `: heartbeat` comment)
      let parsed = {};
      try {
        parsed = decodeJSON(data.join("\n"));
      } catch (ignored) {
        parsed = {};
      }
      onEvent(name, parsed);
    }
  }
}

const WINDOW_NAMES = {
  requests_per_minute: "requests per minute",
  images_per_day: "images for today",
  images_per_month: "images for this month",
  spend_per_day: "spending for today",
  spend_per_month: "spending for this month",
  concurrent_jobs: "images running at the same time",
};

const PROVIDER_REASONS = {
  unavailable: "is unavailable",
  busy: "is busy",
  timed_out: "did not answer in time",
  invalid_reply: "answered with something unreadable",
  rejected: "refused the request",
  budget_exhausted: "has used up its budget for this month",
  failed: "failed",
  circuit_open: "is out of service for a while after repeated failures",
  error: "failed",
};

/** "in 3 h 12 min" / "in 40 s". */
function inDuration(seconds) {
  if (seconds < 90) return `in ${Math.max(1, Math.round(seconds))} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `in ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `in ${hours} h ${minutes % 60} min`;
  return `in ${Math.round(hours / 24)} days`;
}

/** A moment as the reader's local time, with the date when it is not today. */
function localTime(date) {
  const sameDay = date.toDateString() === new Date().toDateString();
  const options = sameDay ? { hour: "2-digit", minute: "2-digit" } : { dateStyle: "medium", timeStyle: "short" };
  return date.toLocaleString(undefined, options);
}

/** When a window resets, from `Retry-After` seconds: "at 00:00 (in 5 h 2 min)". */
function resetsIn(seconds) {
  if (!seconds) return "when one of your running images finishes";
  return `at ${localTime(new Date(Date.now() + seconds * 1000))} (${inDuration(seconds)})`;
}

/** Every error code the API can answer with, as a sentence; `error` is an ApiError. */
const ERROR_SENTENCES = {
  network: () => "The gateway cannot be reached. Check your connection and try again.",
  unexpected: (e) => `The gateway answered in an unexpected way (HTTP ${e.status}). Try again in a moment.`,
  invalid_json: () => "The gateway could not read what this page sent. Reload the page and try again.",
  invalid_parameter: (e) =>
    `The setting “${e.details.param || "?"}” was not accepted: ${e.message}. Change it and submit again.`,
  bad_request: (e) => `The gateway did not understand the request (${e.message}). Reload the page and try again.`,
  missing_token: () => "You are not signed in. Sign in to continue.",
  invalid_token: (e) =>
    e.details.reason === "expired"
      ? "Your sign-in has expired. Please sign in again."
      : `Your sign-in was not accepted (${e.details.reason || "refused"}). Please sign in again.`,
  blocked: () => "This account is blocked from using the gateway. Contact the operators if you think this is a mistake.",
  address_blocked: () => "Requests from your network address are not accepted by this gateway.",
  no_tier: () => "Your account has no access to image generation yet. Ask the operators to give you a tier.",
  not_admin: () => "This page is for the gateway's administrators, and your account is not one of them.",
  not_found: () => "That image does not exist any more, or it belongs to someone else.",
  method_not_allowed: () => "The page asked for something the gateway does not allow. Reload the page.",
  idempotency_conflict: () => "This request was already sent with other settings. Submit it again.",
  job_not_finished: () => "The image is not ready yet. Wait for it to finish.",
  body_too_large: () => "What you entered is too long for the gateway. Shorten the prompt and try again.",
  unsupported_media_type: () => "The page sent data in a form the gateway does not accept. Reload the page.",
  quota_exceeded: (e) => {
    const window = e.details.window;
    const limit = e.details.limit;
    if (window === "concurrent_jobs") {
      return `You already have ${limit || "the most"} image(s) running, the most your account allows at once. ` +
        "Wait for it to finish, then submit again.";
    }
    const what = WINDOW_NAMES[window] || "allowance";
    const spend = window && window.startsWith("spend");
    const amount = limit ? (spend ? ` ($${(Number(limit) / 1e6).toFixed(2)})` : ` (${limit})`) : "";
    return `You have used all your ${what}${amount}. It resets ${resetsIn(e.retryAfter)}.`;
  },
  rate_limited: (e) =>
    `Too many requests came from your network address. Try again ${inDuration(e.retryAfter || 60)}.`,
  no_provider_available: (e) =>
    "No image service can take the job right now; the gateway keeps checking them. " +
    `Try again ${inDuration(e.retryAfter || 30)}.`,
  not_ready: () => "The gateway is starting up or being maintained. Try again in a minute.",
  queue_full: (e) =>
    "The gateway is very busy and has as many images waiting as it can hold; nothing was charged. " +
    `Try again ${inDuration(e.retryAfter || 10)}.`,
  storage_unavailable: (e) =>
    "The gateway cannot record work right now, so nothing was started or charged. " +
    `Try again ${inDuration(e.retryAfter || 5)}.`,
  policy_rejected: (e) => `The policy files have an error, so the previous policy stays in force: ${e.message}`,
  timed_out: () => "The image took too long to make. Try fewer steps or a smaller size.",
  internal_error: (e) =>
    "Something went wrong inside the gateway. Try again; if it keeps happening, give the operators " +
    `this reference: ${e.requestID || "(none)"}.`,
};

/** Why a job ended without an image (its `error.code`), as a sentence. */
const JOB_FAILURES = {
  cancelled: (job) =>
    Number(job.cost_micros) > 0
      ? `You cancelled this image; the work the service had already done cost ${dollars(job.cost_micros)}.`
      : "You cancelled this image; nothing was charged.",
  interrupted: (job) =>
    Number(job.cost_micros) > 0
      ? "The gateway restarted while making this image; the work the service had already done cost " +
        `${dollars(job.cost_micros)}. Submit it again.`
      : "The gateway restarted while making this image; you were not charged. Submit it again.",
  no_provider_available: () =>
    "Every image service failed for this job, so it could not be made. Unpaid work was not charged; " +
    "try again later.",
  provider_not_allowed: () => "Your account may not use the image service that was asked for.",
  unsupported_request: (job) => `No image service available to you can make this image: ${job.error.message}.`,
  provider_rejected: (job) => `The image service refused these settings: ${job.error.message}.`,
  provider_error: () => "The image service failed while making this image. Try again.",
};

function describeError(error) {
  if (!(error instanceof ApiError)) return `Something went wrong in this page: ${error.message}`;
  const sentence = ERROR_SENTENCES[error.code] || ERROR_SENTENCES.unexpected;
  return sentence(error);
}

function describeJobFailure(job) {
  const code = job.error ? job.error.code : "";
  const sentence = JOB_FAILURES[code];
  if (sentence) return sentence(job);
  return `The image could not be made (${code || job.status}): ${job.error ? job.error.message : ""}`;
}

function describeProviderFailure(provider, reason) {
  const why = PROVIDER_REASONS[reason] || `failed (${reason})`;
  return `The image service “${provider}” ${why}; trying the next one, if there is one…`;
}

/** Dollars from micro-dollars, with cents or, for small amounts, more digits. */
function dollars(micros) {
  const value = Number(micros) / 1e6;
  return `$${value.toFixed(value !== 0 && Math.abs(value) < 0.01 ? 4 : 2)}`;
}

/** Signs in through the dev issuer (`serve --dev`) and keeps the token. */
async function devSignIn(email) {
  const answer = await api(`/dev/login?format=json&email=${encodeURIComponent(email)}`);
  Session.signIn(answer.id_token);
}

/** Shows Google's sign-in button in `container`; `onSignedIn` runs after a token was kept. */
function showGoogleSignIn(clientID, container, onSignedIn) {
  const start = () => {
    google.accounts.id.initialize({
      client_id: clientID,
      callback: (answer) => {
        Session.signIn(answer.credential);
        onSignedIn();
      },
    });
    google.accounts.id.renderButton(container, { theme: "outline", size: "large", text: "signin_with" });
  };
  if (window.google && window.google.accounts) {
    start();
    return;
  }
  const script = document.createElement("script");
  script.src = "https://accounts.google.com/gsi/client";
  script.async = true;
  script.onload = start;
  document.head.appendChild(script);
}

/** The pages' configuration: dev sign-in or Google's client id. */
async function pageConfiguration() {
  const response = await fetch("/web/config.json", { cache: "no-store" });
  return response.json();
}

/** Replaces an element's children with text. */
function setText(element, text) {
  element.textContent = text;
}

/** A new element with attributes and children (strings become text). */
function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    element.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return element;
}
