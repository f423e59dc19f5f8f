// Starts GOV.UK Frontend's components (character counts, error summary focus, menus).
// A module script, so it runs only in browsers GOV.UK Frontend supports; kept in a file,
// not inline, so that a Content Security Policy needs no 'unsafe-inline'.
import { initAll } from "./govuk-frontend.min.js";

// Drafts: what is typed into a form marked `data-keep-draft` (progress updates and
// corrections) is kept in this tab's sessionStorage, keyed by the form's page, so that a
// session that expired while someone was writing loses nothing: signing in again brings
// them back to the form (`next`) and the text is put back. sessionStorage, not
// localStorage: it ends with the tab, so nothing typed outlives it on a shared computer.
// A draft is dropped when the server says the form was saved (`data-draft-saved` on its
// success message), on Cancel, and on signing out.
const DRAFT = "tracker-draft:";
const PENDING = "tracker-draft-pending";

function store() {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage switched off: forms work as they always did
  }
}

function draftFields(form) {
  return [...form.elements].filter(
    (field) =>
      field.name &&
      !field.disabled &&
      (field.tagName === "TEXTAREA" ||
        (field.tagName === "INPUT" && ["text", "radio", "checkbox"].includes(field.type))),
  );
}

function valuesOf(form) {
  const values = {};
  for (const field of draftFields(form)) {
    if (field.type === "radio" || field.type === "checkbox") {
      if (field.checked) values[field.name] = field.value;
    } else {
      values[field.name] = field.value;
    }
  }
  return values;
}

function restore(form, values) {
  let changed = false;
  for (const field of draftFields(form)) {
    if (!(field.name in values)) continue;
    if (field.type === "radio" || field.type === "checkbox") {
      const checked = values[field.name] === field.value;
      changed ||= field.checked !== checked;
      field.checked = checked;
    } else if (field.value !== values[field.name]) {
      field.value = values[field.name];
      changed = true;
    }
  }
  return changed;
}

function announceRestored(form) {
  const notice = document.createElement("div");
  notice.className = "govuk-inset-text";
  notice.setAttribute("role", "status");
  notice.dataset.draftRestored = "";
  notice.textContent =
    "We have put back what you typed on this page before, which was not saved. " +
    "Check it before you send it.";
  form.before(notice);
}

function keepDrafts(storage) {
  const saved = storage.getItem(PENDING);
  if (saved && document.querySelector("[data-draft-saved]")) {
    storage.removeItem(saved);
    storage.removeItem(PENDING);
  }
  for (const form of document.querySelectorAll("form[data-keep-draft]")) {
    const key = DRAFT + window.location.pathname;
    const draft = storage.getItem(key);
    if (draft && restore(form, JSON.parse(draft))) announceRestored(form);
    const save = () => storage.setItem(key, JSON.stringify(valuesOf(form)));
    form.addEventListener("input", save);
    form.addEventListener("change", save);
    form.addEventListener("submit", () => storage.setItem(PENDING, key));
    for (const cancel of form.querySelectorAll("[data-draft-discard]")) {
      cancel.addEventListener("click", () => storage.removeItem(key));
    }
  }
  for (const signOut of document.querySelectorAll("form[data-sign-out]")) {
    signOut.addEventListener("submit", () => {
      for (const key of Object.keys(storage)) {
        if (key.startsWith(DRAFT) || key === PENDING) storage.removeItem(key);
      }
    });
  }
}

const storage = store();
if (storage) {
  try {
    keepDrafts(storage);
  } catch {
    // A full or corrupt store must never stop the page working.
  }
}

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
