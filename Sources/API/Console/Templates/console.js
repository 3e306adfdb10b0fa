// Small progressive scripts for the console: file uploads with a progress bar, and a
// confirmation before irreversible actions. Everything else is plain HTML forms.
(function () {
  "use strict";
  var csrf = function (form) {
    var field = form.querySelector('input[name="_csrf"]') || document.querySelector('#logout input[name="_csrf"]');
    return field ? field.value : "";
  };

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); return; }
    if (!form.classList.contains("upload")) { return; }
    event.preventDefault();
    var input = form.querySelector('input[type="file"]');
    var file = input && input.files && input.files[0];
    var status = form.querySelector(".upload-status");
    var progress = form.querySelector("progress");
    if (!file) { status.textContent = "请选择文件 Choose a file"; return; }
    var request = new XMLHttpRequest();
    request.open("POST", form.getAttribute("action"));
    request.setRequestHeader("X-CSRF-Token", csrf(form));
    request.setRequestHeader("Content-Type", "application/octet-stream");
    progress.hidden = false;
    progress.value = 0;
    form.querySelector("button").disabled = true;
    request.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) { progress.value = Math.round(e.loaded * 100 / e.total); status.textContent = progress.value + "%"; }
    });
    request.addEventListener("load", function () {
      form.querySelector("button").disabled = false;
      if (request.status >= 200 && request.status < 300) {
        progress.value = 100;
        status.textContent = "已上传 Uploaded";
        window.location.assign(form.getAttribute("data-return") + "?flash=uploaded");
        return;
      }
      var message = request.statusText;
      try { var body = JSON.parse(request.responseText); message = body.error.code + " " + body.error.message; } catch (ignored) {}
      status.textContent = message;
      status.className = "upload-status error";
      status.setAttribute("data-code", (function () { try { return JSON.parse(request.responseText).error.code; } catch (e) { return ""; } })());
    });
    request.addEventListener("error", function () {
      form.querySelector("button").disabled = false;
      status.textContent = "网络错误 Network error";
    });
    request.send(file);
  });
})();
