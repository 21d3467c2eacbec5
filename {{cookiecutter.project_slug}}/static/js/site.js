// Proves in the browser that static JavaScript was served and ran.
document.addEventListener("DOMContentLoaded", function () {
  var status = document.getElementById("js-status");
  if (status) {
    status.textContent = "JavaScript ran.";
  }
  document.documentElement.dataset.js = "ran";
});
