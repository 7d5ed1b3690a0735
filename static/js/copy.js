// "Copy" buttons: data-copy names the input whose value goes to the clipboard. The result is
// said in the status element the button describes (for screen readers too).
for (const button of document.querySelectorAll("button[data-copy]")) {
  button.addEventListener("click", async () => {
    const input = document.getElementById(button.dataset.copy);
    const status = document.getElementById(button.getAttribute("aria-describedby"));
    try {
      await navigator.clipboard.writeText(input.value);
      status.textContent = "Copied.";
    } catch {
      // No clipboard permission (plain http, old browser): select it for Ctrl+C instead.
      input.select();
      status.textContent = "Selected: press Ctrl+C to copy.";
    }
  });
}
