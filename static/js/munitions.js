// The attack form's munitions: Tom Select (static/vendor/tom-select) turns the multiple select
// into a searchable picker whose chosen munitions stay shown as removable items, and each
// chosen munition gets a count input below it (name "munition_count_<id>", read by AttackForm).
// Without JavaScript the plain multiple select and the server-rendered counts still work.

const select = document.querySelector("select[data-munition-picker]");
const counts = document.getElementById("munition-counts");

function optionLabel(value) {
  const option = Array.from(select.options).find((o) => o.value === String(value));
  return option ? option.textContent.trim() : String(value);
}

function countRow(value) {
  return counts.querySelector(`.munition-count[data-munition="${CSS.escape(String(value))}"]`);
}

function addCount(value) {
  if (countRow(value)) return;
  const name = `${counts.dataset.countPrefix}${value}`;
  const row = document.createElement("div");
  row.className = "munition-count";
  row.dataset.munition = String(value);
  const label = document.createElement("label");
  label.htmlFor = `id_${name}`;
  const strong = document.createElement("span");
  strong.className = "munition-name";
  strong.textContent = optionLabel(value);
  label.append(strong, ": how many");
  const input = document.createElement("input");
  Object.assign(input, { type: "number", name, id: `id_${name}`, min: "0", max: "1000000", placeholder: "not said" });
  input.inputMode = "numeric";
  row.append(label, input);
  // In the order the munitions were chosen, like the items in the picker.
  counts.append(row);
}

function removeCount(value) {
  const row = countRow(value);
  if (row) row.remove();
}

if (select && counts && typeof window.TomSelect === "function") {
  const picker = new window.TomSelect(select, {
    plugins: ["remove_button"],
    maxOptions: null, // the whole catalogue, narrowed by typing
    closeAfterSelect: false,
    hidePlaceholder: true,
    placeholder: "Type to search munitions",
    onItemAdd(value) {
      addCount(value);
      this.setTextboxValue("");
      this.refreshOptions(false);
    },
    onItemRemove(value) {
      removeCount(value);
    },
  });
  // Tom Select points the label at its own text field; the help text goes with it.
  picker.control_input.setAttribute("aria-describedby", `${select.id}_helptext`);
  // The original select stays in the page, visually hidden (Tom Select keeps it for the form):
  // it keeps the label's words as its name, or screen readers would meet an unnamed list.
  const label = document.querySelector(`label[for="${picker.control_input.id}"]`);
  if (label) {
    label.id ||= `${select.id}_label`;
    select.setAttribute("aria-labelledby", label.id);
  }
  select.dataset.ready = "1";
}
