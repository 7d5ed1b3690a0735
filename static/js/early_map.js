// Thousands of attacks: ask for the country's map clusters now, while the other scripts load.
// Loaded before the stylesheets (a script after them would wait for them to start the request);
// the URL comes from the tag's data-url.
window.__exploreEarlyMap = fetch(document.currentScript.dataset.url, { headers: { Accept: "application/json" } })
  .then((r) => (r.ok ? r.json() : null))
  .catch(() => null);
