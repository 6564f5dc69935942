// The generation page: sign in, a form shaped by the user's tier, a job followed through its events, the image
// with its settings, and the user's recent images.
"use strict";

const SCHEDULERS = ["pndm", "ddim", "euler", "euler_a", "dpmpp_2m", "dpmpp_2m_karras"];
const SIZE_CAP = 2048;
const PROMPT_CAP = 4000;
const MAX_SEED = 18446744073709551615n;

const $ = (id) => document.getElementById(id);

const state = {
  me: null,
  job: null,
  stream: null,
  images: new Map(),
};

document.addEventListener("DOMContentLoaded", start);

async function start() {
  if (location.pathname === "/embed") document.body.classList.add("embed");
  $("sign-out").addEventListener("click", signOut);
  $("dev-sign-in").addEventListener("submit", onDevSignIn);
  $("generate").addEventListener("submit", onSubmit);
  $("cancel").addEventListener("click", onCancel);
  $("seed-random").addEventListener("change", () => {
    $("seed").disabled = $("seed-random").checked;
    if (!$("seed").disabled) $("seed").focus();
  });
  try {
    state.configuration = await pageConfiguration();
  } catch (error) {
    showPageError("The gateway cannot be reached. Check your connection and reload the page.");
    return;
  }
  if (Session.token()) {
    await loadAccount();
  } else {
    showSignIn();
  }
}

function showPageError(text) {
  const box = $("page-error");
  setText(box, text);
  box.hidden = !text;
}

function showSignIn(reason) {
  $("studio").hidden = true;
  $("sign-out").hidden = true;
  setText($("who"), "");
  $("sign-in").hidden = false;
  showPageError(reason || "");
  const configuration = state.configuration || {};
  if (configuration.dev_sign_in) {
    setText($("sign-in-help"), "Sign in to make images.");
    $("dev-sign-in").hidden = false;
  } else if (configuration.google_client_id) {
    setText($("sign-in-help"), "Sign in with your Google account to make images.");
    showGoogleSignIn(configuration.google_client_id, $("google-button"), loadAccount);
  } else {
    setText(
      $("sign-in-help"),
      "Sign-in is not set up on this gateway yet: its operators need to add a Google client id to the policy.");
  }
}

async function onDevSignIn(event) {
  event.preventDefault();
  const email = $("dev-email").value.trim();
  if (!email) {
    $("dev-email").focus();
    return;
  }
  try {
    await devSignIn(email);
  } catch (error) {
    showPageError(describeError(error));
    return;
  }
  await loadAccount();
}

function signOut() {
  stopFollowing();
  Session.signOut();
  for (const url of state.images.values()) URL.revokeObjectURL(url);
  state.images.clear();
  $("job").hidden = true;
  $("history-list").replaceChildren();
  if (window.google && window.google.accounts) google.accounts.id.disableAutoSelect();
  showSignIn();
}

/** Handles an error of any API call: a refused sign-in sends the user back to the sign-in. */
function failedCall(error, box) {
  if (error instanceof ApiError && (error.code === "missing_token" || error.code === "invalid_token")) {
    Session.signOut();
    showSignIn(describeError(error));
    return;
  }
  setText(box, describeError(error));
  box.hidden = false;
}

async function loadAccount() {
  let me;
  try {
    me = await api("/v1/me");
  } catch (error) {
    $("sign-in").hidden = true;
    failedCall(error, $("page-error"));
    return;
  }
  state.me = me;
  showPageError("");
  $("sign-in").hidden = true;
  $("sign-out").hidden = false;
  setText($("who"), `Signed in as ${me.identity.email || me.identity.subject} · ${me.tier.name} tier`);
  shapeForm(me.tier.limits || {});
  showAllowance(me);
  $("studio").hidden = false;
  await loadHistory();
}

async function refreshAllowance() {
  try {
    state.me = await api("/v1/me");
    showAllowance(state.me);
  } catch (error) {
    failedCall(error, $("form-error"));
  }
}

/** "3 of 20 images left today · $4.60 of $5.00 left this month". */
function showAllowance(me) {
  const parts = [];
  for (const window of me.quota) {
    if (window.limit === null || window.limit === undefined) continue;
    const left = window.remaining;
    switch (window.window) {
      case "images_per_day":
        parts.push(`${left} of ${window.limit} images left today`);
        break;
      case "images_per_month":
        parts.push(`${left} of ${window.limit} images left this month`);
        break;
      case "spend_per_day":
        parts.push(`${dollars(left)} of ${dollars(window.limit)} left today`);
        break;
      case "spend_per_month":
        parts.push(`${dollars(left)} of ${dollars(window.limit)} left this month`);
        break;
      default:
        break;
    }
  }
  setText($("allowance"), parts.length ? parts.join(" · ") : "Your tier has no image or spending limits.");
}

/** Sizes, steps, prompt length and schedulers from the tier's limits, so the form offers only what is allowed. */
function shapeForm(limits) {
  const maxWidth = Math.min(limits.max_width || SIZE_CAP, SIZE_CAP);
  const maxHeight = Math.min(limits.max_height || SIZE_CAP, SIZE_CAP);
  fillSizes($("width"), maxWidth);
  fillSizes($("height"), maxHeight);

  const maxSteps = limits.max_steps || 150;
  $("steps").max = String(maxSteps);
  if (Number($("steps").value) > maxSteps || !$("steps").value) $("steps").value = String(Math.min(20, maxSteps));
  setText($("steps-hint"), `1 to ${maxSteps} for your tier; more steps take longer.`);

  const maxPrompt = Math.min(limits.max_prompt_length || PROMPT_CAP, PROMPT_CAP);
  $("prompt").maxLength = maxPrompt;
  $("negative-prompt").maxLength = maxPrompt;
  setText($("prompt-hint"), `Up to ${maxPrompt} characters.`);

  const allowed = limits.allowed_schedulers || SCHEDULERS;
  const current = $("scheduler").value;
  $("scheduler").replaceChildren(
    h("option", { value: "" }, "The service's default"),
    ...allowed.map((name) => h("option", { value: name, selected: name === current }, name)));
  state.limits = { maxWidth, maxHeight, maxSteps, maxPrompt, schedulers: allowed };
}

function fillSizes(select, maximum) {
  const sizes = [];
  for (let size = 64; size <= maximum; size += 64) sizes.push(size);
  if (maximum % 64 !== 0 && maximum % 8 === 0) sizes.push(maximum);
  const current = Number(select.value) || Math.min(512, maximum);
  const chosen = sizes.includes(current) ? current : sizes[sizes.length - 1];
  select.replaceChildren(...sizes.map((size) => h("option", { value: size, selected: size === chosen }, `${size} px`)));
}

/** The form's values, or null after marking each invalid field with a sentence. */
function readForm() {
  const limits = state.limits;
  const errors = {};
  const prompt = $("prompt").value.trim();
  if (!prompt) errors.prompt = "Describe the image you want.";
  else if (prompt.length > limits.maxPrompt) errors.prompt = `Shorten the prompt to ${limits.maxPrompt} characters.`;
  const negative = $("negative-prompt").value.trim();
  if (negative.length > limits.maxPrompt) {
    errors["negative-prompt"] = `Shorten the negative prompt to ${limits.maxPrompt} characters.`;
  }
  const width = Number($("width").value);
  if (!(width >= 64 && width <= limits.maxWidth && width % 8 === 0)) {
    errors.width = `Choose a width up to ${limits.maxWidth} px.`;
  }
  const height = Number($("height").value);
  if (!(height >= 64 && height <= limits.maxHeight && height % 8 === 0)) {
    errors.height = `Choose a height up to ${limits.maxHeight} px.`;
  }
  const steps = Number($("steps").value);
  if (!Number.isInteger(steps) || steps < 1 || steps > limits.maxSteps) {
    errors.steps = `Use 1 to ${limits.maxSteps} steps; that is what your tier allows.`;
  }
  const guidance = Number($("guidance").value);
  if ($("guidance").value === "" || !Number.isFinite(guidance) || guidance < 0 || guidance > 50) {
    errors.guidance = "Use a guidance from 0 to 50.";
  }
  let seed;
  if (!$("seed-random").checked) {
    const text = $("seed").value.trim();
    if (!/^\d+$/.test(text) || BigInt(text) > MAX_SEED) {
      errors.seed = "Use a whole number from 0 to 18446744073709551615, or tick Random.";
    } else {
      seed = BigInt(text).toString();
    }
  }
  const scheduler = $("scheduler").value;
  if (scheduler && !limits.schedulers.includes(scheduler)) errors.scheduler = "Choose one of the listed schedulers.";

  let first = null;
  for (const field of ["prompt", "negative-prompt", "width", "height", "steps", "guidance", "seed", "scheduler"]) {
    const input = $(field);
    const box = $(`${field}-error`);
    if (errors[field]) {
      input.setAttribute("aria-invalid", "true");
      setText(box, errors[field]);
      box.hidden = false;
      first = first || input;
    } else {
      input.removeAttribute("aria-invalid");
      box.hidden = true;
    }
  }
  if (first) {
    first.focus();
    return null;
  }
  const body = { prompt, negative_prompt: negative, width, height, steps, guidance };
  if (seed !== undefined) body.seed = seed;
  if (scheduler) body.scheduler = scheduler;
  return body;
}

function setBusy(busy) {
  $("submit").disabled = busy;
  $("cancel").hidden = !busy;
  $("cancel").disabled = false;
}

async function onSubmit(event) {
  event.preventDefault();
  $("form-error").hidden = true;
  const body = readForm();
  if (!body) return;
  stopFollowing();
  setBusy(true);
  let job;
  try {
    job = await api("/v1/generations", {
      method: "POST",
      body,
      headers: { "Idempotency-Key": crypto.randomUUID() },
    });
  } catch (error) {
    setBusy(false);
    failedCall(error, $("form-error"));
    return;
  }
  showJob(job);
  follow(job);
}

function showJob(job) {
  state.job = job;
  $("job").hidden = false;
  $("job-error").hidden = true;
  $("result").hidden = true;
  $("job").dataset.status = job.status;
  setText($("job-status"), "Queued: waiting for a free slot…");
  $("job-progress").max = job.progress.total || 1;
  $("job-progress").value = 0;
}

function stopFollowing() {
  if (state.stream) state.stream.abort();
  state.stream = null;
}

/** Follows the job's events until it ends; falls back to polling when the stream breaks off. */
async function follow(job) {
  const controller = new AbortController();
  state.stream = controller;
  let ended = false;
  let provider = null;
  const onEvent = (name, data) => {
    switch (name) {
      case "queued":
        setText($("job-status"), "Queued: waiting for a free slot…");
        break;
      case "started":
        setText($("job-status"), "Started: choosing an image service…");
        break;
      case "provider":
        provider = data.provider;
        setText($("job-status"), `Sent to the image service “${provider}”…`);
        break;
      case "waiting":
        setText(
          $("job-status"),
          `The image service “${provider || "?"}” is starting up (a cold start) or waiting for a free GPU…`);
        break;
      case "progress":
        $("job-progress").max = data.total;
        $("job-progress").value = data.step;
        setText($("job-status"), `Step ${data.step} of ${data.total}${provider ? ` on “${provider}”` : ""}…`);
        break;
      case "attempt_failed":
        setText($("job-status"), describeProviderFailure(data.provider, data.reason));
        break;
      case "done":
      case "failed":
        ended = true;
        finished(data);
        break;
      default:
        break;
    }
  };
  try {
    await followEvents(job.links.events, onEvent, controller.signal);
  } catch (error) {
    if (error.name === "AbortError") return;
    if (error instanceof ApiError && error.status !== 0) {
      setBusy(false);
      failedCall(error, $("job-error"));
      return;
    }
  }
  if (!ended && !controller.signal.aborted) await poll(job, controller.signal);
}

async function poll(job, signal) {
  for (let round = 0; round < 1200 && !signal.aborted; round += 1) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    try {
      const current = await api(job.links.self, { signal });
      if (!["queued", "running"].includes(current.status)) {
        finished(current);
        return;
      }
      $("job-progress").max = current.progress.total;
      $("job-progress").value = current.progress.step;
    } catch (error) {
      if (error.name === "AbortError") return;
      if (error instanceof ApiError && error.status !== 0) {
        setBusy(false);
        failedCall(error, $("job-error"));
        return;
      }
    }
  }
}

async function finished(job) {
  state.stream = null;
  setBusy(false);
  state.job = job;
  $("job").dataset.status = job.status;
  if (job.status === "succeeded") {
    $("job-progress").value = $("job-progress").max;
    const seconds = job.timings.running_ms !== null ? ` in ${(job.timings.running_ms / 1000).toFixed(1)} s` : "";
    setText($("job-status"), `Done${seconds} by “${job.provider}”.`);
    await showResult(job);
  } else {
    setText($("job-status"), job.status === "cancelled" ? "Cancelled." : "The image could not be made.");
    setText($("job-error"), describeJobFailure(job));
    $("job-error").hidden = false;
  }
  await Promise.all([refreshAllowance(), loadHistory()]);
}

async function onCancel() {
  const job = state.job;
  if (!job) return;
  $("cancel").disabled = true;
  setText($("job-status"), "Cancelling…");
  try {
    const answer = await api(job.links.self, { method: "DELETE" });
    if (!state.stream && !["queued", "running"].includes(answer.status)) await finished(answer);
  } catch (error) {
    $("cancel").disabled = false;
    failedCall(error, $("job-error"));
  }
}

/** The job's image as an object URL, fetched once with the token (an <img> cannot send it). */
async function imageURL(job) {
  if (state.images.has(job.id)) return state.images.get(job.id);
  const response = await api(job.links.image || `${job.links.self}/image`, { raw: true });
  const url = URL.createObjectURL(await response.blob());
  state.images.set(job.id, url);
  return url;
}

async function showResult(job) {
  $("job").hidden = false;
  let url;
  try {
    url = await imageURL(job);
  } catch (error) {
    failedCall(error, $("job-error"));
    return;
  }
  const p = job.parameters;
  $("result-image").src = url;
  $("result-image").alt = `Generated image: ${p.prompt}`;
  const settings = [
    ["Prompt", p.prompt],
    ["Negative prompt", p.negative_prompt || "none"],
    ["Size", `${p.width} × ${p.height}`],
    ["Steps", String(p.steps)],
    ["Guidance", String(p.guidance)],
    ["Seed", String(p.seed)],
    ["Scheduler", p.scheduler || "the service's default"],
    ["Made by", job.provider || "?"],
    ["Cost", `$${job.cost_usd}`],
  ];
  $("result-settings").replaceChildren(...settings.flatMap(([term, value]) => [h("dt", {}, term), h("dd", {}, value)]));
  $("download").href = url;
  $("download").download = `${job.id}-seed-${p.seed}.png`;
  $("result").hidden = false;
}

async function loadHistory() {
  let list;
  try {
    list = await api("/v1/generations?limit=12");
  } catch (error) {
    failedCall(error, $("form-error"));
    return;
  }
  const items = list.data.map((job) => {
    const label = job.status === "succeeded" ? job.parameters.prompt : `${job.parameters.prompt} (${job.status})`;
    const thumbnail = h("img", { alt: "", width: 64, height: 64 });
    const button = h(
      "button",
      { type: "button", class: "history-item", "aria-label": `Show: ${label}`, disabled: job.status !== "succeeded" },
      thumbnail,
      h("span", { class: "history-prompt" }, job.parameters.prompt),
      h("span", { class: "hint" }, `${job.status} · ${localTime(new Date(job.created_at))}`));
    button.addEventListener("click", () => {
      if (state.stream) return;
      showJob(job);
      finishedView(job);
    });
    if (job.status === "succeeded") {
      imageURL(job).then((url) => {
        thumbnail.src = url;
      }, () => {});
    }
    return h("li", {}, button);
  });
  $("history-list").replaceChildren(...items);
  $("history-empty").hidden = items.length > 0;
}

/** A finished job from the history, shown without following it. */
async function finishedView(job) {
  $("job-progress").max = job.progress.total || 1;
  $("job-progress").value = job.progress.step;
  setText($("job-status"), `Made ${localTime(new Date(job.created_at))} by “${job.provider}”.`);
  await showResult(job);
  $("job").scrollIntoView({ block: "nearest" });
}
