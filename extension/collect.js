// Runs in the page when a save is asked for: the page as the person sees it, after its scripts
// ran, with lazy images pointed at their real addresses. The page itself is left untouched (the
// changes are made on a copy). The value of the last expression is what the extension receives.
(() => {
  const LAZY_ATTRIBUTES = ["data-src", "data-lazy-src", "data-original", "data-url", "data-hi-res-src"];
  const absolute = (value) => {
    try {
      const url = new URL(value, document.baseURI);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (error) {
      return null;
    }
  };
  const placeholder = (value) => !value || value.startsWith("data:") || value === "about:blank";

  const live = Array.from(document.querySelectorAll("img"));
  const copy = document.documentElement.cloneNode(true);
  const copies = Array.from(copy.querySelectorAll("img"));
  live.forEach((image, index) => {
    const twin = copies[index];
    if (!twin) return;
    let real = null;
    if (!placeholder(image.currentSrc)) real = absolute(image.currentSrc);
    if (!real) {
      for (const name of LAZY_ATTRIBUTES) {
        const value = image.getAttribute(name);
        if (value && !placeholder(value)) {
          real = absolute(value.trim().split(/\s+/)[0]);
          if (real) break;
        }
      }
    }
    if (!real && !placeholder(image.getAttribute("src"))) real = absolute(image.getAttribute("src"));
    if (real) twin.setAttribute("src", real);
    twin.removeAttribute("loading");
  });
  // Scripts are of no use to a reader and can be most of a page's weight; structured data stays.
  for (const script of copy.querySelectorAll("script")) {
    if ((script.getAttribute("type") || "").toLowerCase() !== "application/ld+json") script.remove();
  }
  const selection = String(window.getSelection ? window.getSelection() : "");
  return {
    url: location.href,
    title: document.title,
    html: "<!DOCTYPE html>\n" + copy.outerHTML,
    selection: selection.trim() ? selection : null,
  };
})();
