// Starts GOV.UK Frontend's components (character counts, error summary focus, menus).
// A module script, so it runs only in browsers GOV.UK Frontend supports; kept in a file,
// not inline, so that a Content Security Policy needs no 'unsafe-inline'.
import { initAll } from "./govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
