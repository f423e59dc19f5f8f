// Follows a background print (a draft PDF, or an issue): polls its state and reloads the page, which
// then offers the result (or says it failed). Without JavaScript, the page's "Check again"
// link does the same. A static file, so the CSP needs no 'unsafe-inline'.
const region = document.querySelector("[data-draft-status]");
const INTERVAL_MS = 1500;

async function poll() {
  try {
    const response = await fetch(region.dataset.draftStatus, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    if (response.ok) {
      const draft = await response.json();
      region.querySelector("[data-draft-state]").textContent = draft.label;
      if (draft.state !== "queued" && draft.state !== "running") {
        window.location.reload();
        return;
      }
    }
  } catch (error) {
    // The server is briefly unreachable (a restart): keep trying.
  }
  window.setTimeout(poll, INTERVAL_MS);
}

if (region) {
  window.setTimeout(poll, INTERVAL_MS);
}
