// After a refused submit, move focus to the error summary so keyboard and screen-reader users
// start from the list of what to fix (each item links to its field).
const summary = document.getElementById("error-summary");
if (summary) {
  summary.focus();
  summary.scrollIntoView({ block: "start" });
}
