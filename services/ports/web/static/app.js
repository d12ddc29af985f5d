// aidledger web interface: the few things pages do in the browser.
// Everything works without this script but the copy button.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // Copy buttons: data-copy names the element whose text is copied.
  for (const b of document.querySelectorAll("button[data-copy]")) {
    b.addEventListener("click", async () => {
      const text = document.getElementById(b.dataset.copy).innerText;
      try {
        await navigator.clipboard.writeText(text);
      } catch {
        const r = document.createRange();
        r.selectNodeContents(document.getElementById(b.dataset.copy));
        const s = window.getSelection();
        s.removeAllRanges();
        s.addRange(r);
        document.execCommand("copy");
      }
      const label = b.textContent;
      b.textContent = b.dataset.copied || "✓";
      setTimeout(() => { b.textContent = label; }, 1500);
    });
  }
  // Print buttons.
  for (const b of document.querySelectorAll("button[data-print]")) {
    b.addEventListener("click", () => window.print());
  }
  // Forms are submitted once: the button is disabled after the first click
  // (the idempotency key makes a second submission harmless anyway).
  for (const f of document.querySelectorAll("form[data-once]")) {
    f.addEventListener("submit", () => {
      for (const b of f.querySelectorAll("button[type=submit]")) b.disabled = true;
    });
  }
});
