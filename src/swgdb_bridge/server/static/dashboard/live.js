// Live updates: the server sends the newest upload time over server-sent events; when it changes, this
// fetches the current page again and swaps in the regions marked data-live. Without JavaScript the pages
// still work; they only stop updating by themselves.
"use strict";
(function () {
  const body = document.body;
  const url = body.dataset.liveUrl;
  if (!url || !("EventSource" in window)) {
    return;
  }
  let version = body.dataset.version || "";
  const status = document.getElementById("live-status");

  async function refresh() {
    const response = await fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } });
    if (response.redirected) {  // logged out meanwhile (e.g. in another tab): show where the server sent us
      window.location.assign(response.url);
      return;
    }
    if (!response.ok) {
      return;
    }
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    document.querySelectorAll("[data-live]").forEach(function (region) {
      const replacement = fresh.getElementById(region.id);
      if (replacement) {
        region.replaceWith(document.importNode(replacement, true));
      }
    });
    const time = new Date().toISOString().slice(11, 19);
    status.textContent = "Updated with new session data at " + time + " UTC.";
  }

  const source = new EventSource(url);
  source.addEventListener("version", function (event) {
    const next = JSON.parse(event.data).version;
    if (next !== version) {
      version = next;
      body.dataset.version = next;
      refresh().catch(function () { status.textContent = "Could not refresh the page; reload to see new data."; });
    }
  });
})();
