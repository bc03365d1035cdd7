// Records uncaught errors and panics; the browser tests read window.__fachwerkErrors.
window.__fachwerkErrors = [];
window.addEventListener("error", function (e) { window.__fachwerkErrors.push(String(e.message || e)); });
window.addEventListener("unhandledrejection", function (e) { window.__fachwerkErrors.push(String(e.reason)); });
(function () {
  var original = console.error;
  console.error = function () {
    window.__fachwerkErrors.push(Array.prototype.map.call(arguments, String).join(" "));
    return original.apply(console, arguments);
  };
})();
