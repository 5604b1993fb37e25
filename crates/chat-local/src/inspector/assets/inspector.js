// The inspector page's script: follows changes through the event stream at /api/events and fetches the view
// again from /view (HTML rendered on the server) after each; polls when event streams are not available. The
// reset button posts to /api/reset.
(function () {
  "use strict";
  var view = document.getElementById("view");
  var live = document.getElementById("live");
  var fetching = false;
  var again = false;

  function status(text, state) {
    live.textContent = text;
    live.className = "live " + state;
  }

  // One fetch at a time; a change announced meanwhile fetches once more afterwards.
  function refresh() {
    if (fetching) {
      again = true;
      return;
    }
    fetching = true;
    fetch("/view" + location.search, { cache: "no-store", credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        // Details the reader opened stay open.
        var open = {};
        view.querySelectorAll("details[open][data-key]").forEach(function (d) {
          open[d.getAttribute("data-key")] = true;
        });
        view.innerHTML = html;
        view.querySelectorAll("details[data-key]").forEach(function (d) {
          if (open[d.getAttribute("data-key")]) {
            d.open = true;
          }
        });
        var count = Number(document.body.getAttribute("data-refreshed")) || 0;
        document.body.setAttribute("data-refreshed", String(count + 1));
      })
      .catch(function (error) {
        status("error: " + error.message, "off");
      })
      .then(function () {
        fetching = false;
        if (again) {
          again = false;
          refresh();
        }
      });
  }

  if (window.EventSource) {
    var source = new EventSource("/api/events");
    source.onopen = function () {
      status("live", "on");
    };
    source.onmessage = refresh;
    source.onerror = function () {
      status("reconnecting", "off");
    };
  } else {
    status("polling", "on");
    setInterval(refresh, 2000);
  }

  document.getElementById("reset").addEventListener("click", function () {
    if (!window.confirm("Delete every record, media and the delivery log?")) {
      return;
    }
    fetch("/api/reset", { method: "POST", credentials: "same-origin" }).then(refresh);
  });
})();
