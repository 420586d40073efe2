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

// The live preview: while a form is open, what is typed in it is sent (not saved) to be rendered into the report
// beside the editor, and the figures the text types as plain numbers are named under the field. Without this
// script the preview shows the stored report, as it says.
(function () {
  var preview = document.getElementById("preview");
  var form = document.querySelector(".report-live-form");
  if (!preview || !form) return;
  var content = preview.querySelector(".report-preview");
  var warning = form.querySelector(".live-warning");
  var timer = null, controller = null;
  document.getElementById("preview-hint").textContent = "（随输入即时更新，保存后才写入报告）";

  function show(message, kind) {
    warning.replaceChildren();
    if (!message) return;
    var box = document.createElement("div");
    box.className = kind === "error" ? "text-danger small" : "alert alert-warning py-1 px-2 mb-0 small";
    box.textContent = message;
    if (kind !== "error") box.insertAdjacentHTML("afterbegin", '<i class="bi bi-exclamation-triangle"></i> ');
    warning.appendChild(box);
  }

  function refresh() {
    var data = new FormData(form);
    if (form.dataset.section) data.append("section", form.dataset.section);
    if (controller) controller.abort();
    controller = new AbortController();
    fetch(preview.dataset.liveUrl, { method: "POST", body: data, signal: controller.signal,
                                     credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (result) {
        if (result.errors) { show(result.errors.join(" "), "error"); return; }
        content.innerHTML = result.html;  // rendered and escaped by the server
        show(result.warning, "warning");
        var unsaved = content.querySelector(".report-unsaved");
        if (unsaved && preview.scrollHeight > preview.clientHeight) {
          preview.scrollTop = unsaved.offsetTop - preview.clientHeight / 3;
        }
      })
      .catch(function (error) {
        if (error.name !== "AbortError") show("预览暂时无法更新，请稍后再试；保存不受影响。", "error");
      });
  }

  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });
  refresh();
})();
