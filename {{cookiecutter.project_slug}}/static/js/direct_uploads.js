// Sends each file chosen in a form straight to the bucket, with a progress bar, then the form
// with the files' keys only (staticmedia/direct_uploads.py). Without it, files go through
// the app, within its smaller limit.
var REFUSED = {
  EntityTooLarge: "The file is larger than the limit, LIMIT.",
  EntityTooSmall: "The file is empty.",
  AccessDenied: "The storage refused the file: it is not of a type this field takes, or the page is over an hour old (reload it).",
};

function sendToBucket(form, input) {
  var post = JSON.parse(input.dataset.directUpload);
  var file = input.files[0];
  var body = new FormData();
  Object.keys(post.fields).forEach(function (name) { body.append(name, post.fields[name]); });
  body.append("Content-Type", file.type || "application/octet-stream");
  body.append("file", file);
  var progress = document.createElement("progress");
  progress.max = file.size;
  progress.value = 0;
  input.after(progress);
  return new Promise(function (resolve, reject) {
    var request = new XMLHttpRequest();
    request.upload.onprogress = function (event) { progress.value = event.loaded; };
    request.onload = request.onerror = function () {
      if (request.status >= 200 && request.status < 300) {
        form.elements[input.name + "-name"].value = file.name;
        return resolve();
      }
      var code = request.responseXML && request.responseXML.querySelector("Code");
      code = code ? code.textContent : file.size > post.max ? "EntityTooLarge" : "";
      var message = document.createElement("p");
      message.className = "upload-error";
      message.setAttribute("role", "alert");
      message.textContent = (REFUSED[code] || "The file could not be sent to the storage (" +
        (code || "no answer") + "); try again.").replace("LIMIT", post.limit);
      progress.replaceWith(message);
      reject(new Error(code));
    };
    request.open("POST", post.url);
    request.send(body);
  });
}

document.querySelectorAll("input[data-direct-upload]").forEach(function (input) {
  var limit = input.parentNode.querySelector(".upload-limit");
  if (limit) {
    limit.textContent = limit.dataset.direct;  // the bucket's limit, not the app's
  }
  var form = input.form;
  if (form.dataset.directUploads) {
    return;  // one listener per form
  }
  form.dataset.directUploads = "on";
  form.addEventListener("submit", function (event) {
    var inputs = Array.prototype.filter.call(
      form.querySelectorAll("input[data-direct-upload]"), function (each) { return each.files.length; });
    if (!inputs.length) {
      return;
    }
    event.preventDefault();
    form.querySelectorAll(".upload-error, progress").forEach(function (old) { old.remove(); });
    Promise.all(inputs.map(function (each) { return sendToBucket(form, each); })).then(function () {
      inputs.forEach(function (each) { each.disabled = true; });  // the keys go, not the files
      HTMLFormElement.prototype.submit.call(form);
    }, function () {});
  });
});
