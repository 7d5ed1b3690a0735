// "Use these figures": fill the decision fields from a suggestion (the values are also shown as text).
document.querySelectorAll("[data-use-suggestion]").forEach(function (button) {
  button.addEventListener("click", function () {
    ["best", "low", "high"].forEach(function (name) {
      document.getElementById("id_" + name).value = button.dataset[name];
    });
    var rationale = document.getElementById("id_rationale");
    if (!rationale.value.trim()) { rationale.value = button.dataset.reason; }
    document.getElementById("id_best").focus();
  });
});
