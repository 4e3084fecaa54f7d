(function () {
  var current = document.body.dataset.build;
  function check(id) { if (id && id !== current) { location.reload(); } }
  if (window.EventSource) {
    var events = new EventSource("/events");
    events.addEventListener("build", function (event) { check(event.data); });
  } else {
    setInterval(function () { fetch("/build-id").then(function (r) { return r.text(); }).then(check); }, 1000);
  }
})();
