// The archive's search page: Pagefind's JavaScript API with a small UI of our own.
// Nothing is fetched until the reader starts typing; then Pagefind's code, and once they
// pause, only the index chunks for the words typed, the filter used and the data of the
// results on screen (ten at a time). Filter choices are written into the page at build time.
// Everything from the index is inserted as text, except Pagefind's <mark> highlights.
// No innerHTML anywhere.
// A classic script, not a module: Chromium refuses module scripts from file://, and opened
// from a folder this script must still run to say that search needs a server.
(() => {
  const script = document.currentScript.src;
  const PAGE_SIZE = 10;
  const PAUSE_MS = 250; // typing pause that starts a search
  const root = document.getElementById("digest-search");
  if (root) {
    const base = new URL("../", script); // this script lives in <site>/assets/
    const input = root.querySelector("input[type=search]");
    const sort = root.querySelector("select[name=sort]");
    const selects = [...root.querySelectorAll("select[data-filter]")];
    const status = root.querySelector(".digest-search__status");
    const list = root.querySelector(".digest-search__results");
    const more = root.querySelector(".digest-search__more");
    let results = [];
    let shown = 0;
    let generation = 0;

    // Scripts that do not space their words (Chinese, Japanese, Thai, Lao, Khmer, Burmese)
    // and CJK punctuation. The index holds their words cut by ICU with spaces between
    // (build_digest/segment.py); a query is cut here by the browser's ICU the same way.
    const TIGHT = "[\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Thai}\\p{Script=Lao}\\p{Script=Khmer}\\p{Script=Myanmar}ー々〆\\u3000-\\u303f\\uff00-\\uffef]";
    const tight = new RegExp(TIGHT, "u");
    const words = typeof Intl.Segmenter === "function" ? new Intl.Segmenter("und", { granularity: "word" }) : null;
    function segmentQuery(query) {
      if (!words || !tight.test(query)) return query;
      let out = "";
      let previous = "";
      for (const { segment } of words.segment(query)) {
        if (!segment.trim()) {
          out += " ";
          previous = "";
          continue;
        }
        if (previous && (tight.test(previous.slice(-1)) || tight.test(segment[0]))) out += " ";
        out += segment;
        previous = segment;
      }
      return out.trim();
    }
    // The spaces the index put beside such words go again (the source's own spaces there
    // carry a U+2060 mark before them, which goes too), so an excerpt reads as written.
    // Pagefind's <mark> tags stand in as two private-use characters while this is done.
    const inserted = new RegExp(
      `(?<=${TIGHT}[\\uE000\\uE001]?) |(?<=[^\\s\\u2060\\uE000\\uE001.][\\uE000\\uE001]?) (?=[\\uE000\\uE001]?${TIGHT})`,
      "gu",
    );
    function asWritten(excerpt) {
      return excerpt
        .replaceAll("<mark>", "\uE000")
        .replaceAll("</mark>", "\uE001")
        .replace(inserted, "")
        .replaceAll("\u2060", "")
        .replaceAll("\uE000", "<mark>")
        .replaceAll("\uE001", "</mark>");
    }

    // Pagefind's excerpt is HTML: the story's text escaped, with <mark> around matches. It is
    // parsed in an inert document and rebuilt from its text, keeping only the <mark>s.
    function excerptNodes(excerpt) {
      const parsed = new DOMParser().parseFromString(`<body>${asWritten(excerpt)}</body>`, "text/html").body;
      return [...parsed.childNodes].map((node) => {
        if (node.nodeName !== "MARK") return document.createTextNode(node.textContent);
        const mark = document.createElement("mark");
        mark.textContent = node.textContent;
        return mark;
      });
    }

    // One load, shared: every keystroke asks for it, and a search must never run before
    // Pagefind's options are set (nor set them again while it searches).
    let loading = null;
    function load() {
      if (!loading) {
        loading = (async () => {
          const pf = await import(new URL("pagefind/pagefind.js", base).href);
          // Result URLs are site paths ("/stories/…/"): prefix them with wherever the site is served.
          // Searched on the page's own thread: an archive's index is small enough, and Pagefind's
          // web worker costs a 41 KB script and a start-up it abandons after five seconds.
          await pf.options({ excerptLength: 24, baseUrl: base.pathname, noWorker: true });
          return pf;
        })().catch((error) => {
          loading = null; // a later keystroke may try again
          status.textContent = location.protocol === "file:"
            ? "Search needs the site to be served (for example: python3 -m http.server -d site); every page can still be read from this folder."
            : "Search could not be loaded.";
          throw error;
        });
      }
      return loading;
    }

    // Months are offered once a year is chosen, and only that year's.
    function showMonths() {
      const year = root.querySelector("select[data-filter=year]");
      const month = root.querySelector("select[data-filter=month]");
      if (!year || !month) return;
      for (const option of month.options) option.hidden = Boolean(option.value) && option.dataset.year !== year.value;
      if (month.selectedOptions[0]?.hidden) month.value = "";
      month.hidden = !year.value;
    }

    async function showMore() {
      const batch = results.slice(shown, shown + PAGE_SIZE);
      shown += batch.length;
      const data = await Promise.all(batch.map((r) => r.data()));
      for (const item of data) {
        const li = document.createElement("li");
        li.className = "digest-search__result";
        const link = document.createElement("a");
        link.href = item.url;
        link.textContent = item.meta.title || item.url;
        const heading = document.createElement("h3");
        heading.append(link);
        // The story's own words in its language and direction; the byline is the site's.
        if (item.meta.lang) heading.lang = item.meta.lang;
        if (item.meta.dir) heading.dir = item.meta.dir;
        const byline = document.createElement("p");
        byline.className = "digest-search__byline";
        byline.textContent = [item.meta.date, item.meta.outlet, item.meta.versions && `${item.meta.versions} versions`].filter(Boolean).join(" · ");
        const excerpt = document.createElement("p");
        if (item.meta.lang) excerpt.lang = item.meta.lang;
        if (item.meta.dir) excerpt.dir = item.meta.dir;
        excerpt.append(...excerptNodes(item.excerpt || ""));
        li.append(heading, byline, excerpt);
        list.append(li);
      }
      more.hidden = shown >= results.length;
    }

    // Search once the reader pauses: no index is fetched for the half-typed words before.
    let timer = null;
    function searchSoon() {
      clearTimeout(timer);
      load().catch(() => {}); // the search code itself can load while the reader types
      timer = setTimeout(search, PAUSE_MS);
    }

    async function search() {
      const mine = ++generation;
      const query = input.value.trim();
      const filters = {};
      for (const select of selects) if (select.value) filters[select.dataset.filter] = select.value;
      if (!query && !Object.keys(filters).length) {
        list.replaceChildren();
        status.textContent = "";
        more.hidden = true;
        return;
      }
      const options = { filters };
      if (sort.value === "newest" || !query) options.sort = { date: "desc" };
      let response;
      try {
        const pf = await load();
        response = await pf.search(query ? segmentQuery(query) : null, options);
      } catch (error) {
        // When the code itself failed to load, load() has said why (and reset `loading`); a
        // failed search says so too. The next keystroke or filter change tries again.
        if (mine === generation && loading) status.textContent = "Search failed; change the query to try again.";
        console.error(error);
        return;
      }
      if (mine !== generation) return; // a newer search took over
      results = response.results;
      shown = 0;
      list.replaceChildren();
      status.textContent = `${results.length} ${results.length === 1 ? "story" : "stories"}`;
      await showMore();
    }

    input.addEventListener("input", searchSoon);
    sort.addEventListener("change", search);
    for (const select of selects) select.addEventListener("change", () => { showMonths(); search(); });
    more.addEventListener("click", showMore);
    showMonths();
    const initial = new URLSearchParams(location.search).get("q");
    if (initial) {
      input.value = initial;
      search();
    }
  }
})();
