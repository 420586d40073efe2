// Shows upload progress, then a "checking" state, for forms marked data-progress: a large ledger takes a few
// seconds to check, and a page that seems to hang invites a second click.
document.querySelectorAll("form[data-progress]").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    if (!window.FormData || !window.XMLHttpRequest) return;
    event.preventDefault();
    var bar = document.getElementById("upload-progress");
    var status = document.getElementById("upload-status");
    var fill = bar.querySelector(".progress-bar");
    form.querySelector("button[type=submit]").disabled = true;
    bar.classList.remove("d-none");
    status.classList.remove("d-none");
    status.textContent = "正在上传…";
    var request = new XMLHttpRequest();
    request.open("POST", form.action || window.location.href);
    request.upload.onprogress = function (e) {
      if (!e.lengthComputable) return;
      var percent = Math.round((e.loaded / e.total) * 100);
      fill.style.width = percent + "%";
      fill.textContent = percent + "%";
      if (percent >= 100) status.textContent = "上传完成，正在逐行检查，请稍候…";
    };
    request.onload = function () {
      if (request.responseURL && request.responseURL !== window.location.href) {
        window.location.href = request.responseURL;
      } else {
        document.open();
        document.write(request.responseText);
        document.close();
      }
    };
    request.onerror = function () {
      status.textContent = "上传失败，请检查网络后重试。";
      form.querySelector("button[type=submit]").disabled = false;
    };
    request.send(new FormData(form));
  });
});
