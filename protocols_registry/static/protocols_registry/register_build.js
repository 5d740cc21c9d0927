// Progress of a register document build (admin): asks the status URL once a
// second and shows the download link when the file is ready. A file of its own,
// not an inline script, so the page works under a strict Content-Security-Policy.
(function () {
  "use strict";
  var box = document.querySelector("[data-register-build]");
  if (!box) {
    return;
  }
  var bar = box.querySelector("progress");
  var percent = box.querySelector("[data-build-progress]");
  var label = box.querySelector("[data-build-status]");
  var finished = box.querySelector("[data-build-finished]");
  var link = box.querySelector("[data-build-download]");

  function show(data) {
    bar.value = data.progress;
    percent.textContent = data.progress;
    label.textContent = data.label;
    if (data.finished) {
      finished.textContent = data.finished;
    }
    if (data.download_url) {
      link.href = data.download_url;
      link.hidden = false;
    }
  }

  function poll() {
    fetch(box.dataset.statusUrl, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (data) {
        show(data);
        if (data.status !== "done" && data.status !== "failed") {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }

  poll();
})();
