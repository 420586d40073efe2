// The dispute state form: show only the fieldset of the state chosen (data-for-state); without this script every
// fieldset stays visible under its own legend, and the server ignores the fields of the states not chosen.
(function () {
  var select = document.getElementById("id_state");
  var fieldsets = document.querySelectorAll("fieldset[data-for-state]");
  if (!select || !fieldsets.length) return;
  function showChosen() {
    fieldsets.forEach(function (fieldset) {
      fieldset.hidden = fieldset.getAttribute("data-for-state") !== select.value;
    });
  }
  select.addEventListener("change", showChosen);
  showChosen();
})();
