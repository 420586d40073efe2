// The figure picker: a click puts the figure's reference ({{key}}) at the cursor of the field last written in
// (the body by default), as if typed. Without this script each entry shows its reference to copy.
(function () {
  document.querySelectorAll(".figure-picker").forEach(function (picker) {
    var form = picker.closest("form");
    var field = document.getElementById(picker.getAttribute("data-target"));
    if (!form || !field) return;
    picker.classList.add("figure-picker-active");
    picker.querySelector(".figure-picker-hint").textContent = "（点击插入到光标处）";
    form.querySelectorAll("input[type=text], textarea").forEach(function (input) {
      input.addEventListener("focus", function () { field = input; });
    });
    picker.querySelectorAll(".figure-insert").forEach(function (button) {
      button.addEventListener("click", function () {
        var token = button.getAttribute("data-token");
        var start = field.selectionStart, end = field.selectionEnd;
        field.value = field.value.slice(0, start) + token + field.value.slice(end);
        field.focus();
        field.setSelectionRange(start + token.length, start + token.length);
        field.dispatchEvent(new Event("input", { bubbles: true }));
      });
    });
  });
})();
