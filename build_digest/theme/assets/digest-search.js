// The archive's search page: Pagefind's JavaScript API with a small UI of our own.
// Nothing is fetched until the reader starts typing; then only the index fragments for
// the words typed and the data of the results on screen (ten at a time) are loaded.
// Everything from the index is inserted as text, except Pagefind's <mark> highlights.
const PAGE_SIZE = 10;
const root = document.getElementById("digest-search");
if (root) {
  const base = new URL("../", import.meta.url); // this script lives in <site>/assets/
  const input = root.querySelector("input[type=search]");
  const sort = root.querySelector("select[name=sort]");
  const selects = [...root.querySelectorAll("select[data-filter]")];
  const status = root.querySelector(".digest-search__status");
  const list = root.querySelector(".digest-search__results");
  const more = root.querySelector(".digest-search__more");
  let pagefind = null;
  let results = [];
  let shown = 0;
  let generation = 0;

  const escapeHtml = (text) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  // Pagefind's excerpt is text with <mark> around matches: keep only those tags.
  const safeExcerpt = (excerpt) =>
    escapeHtml(excerpt.replace(/<(?!\/?mark>)[^>]*>/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&"))
      .replace(/&lt;mark&gt;/g, "<mark>").replace(/&lt;\/mark&gt;/g, "</mark>");

  async function load() {
    if (pagefind) return pagefind;
    try {
      pagefind = await import(new URL("pagefind/pagefind.js", base).href);
      await pagefind.options({ excerptLength: 24 });
      await pagefind.filters(); // loads the filter index, so each search reports counts per filter value
    } catch (error) {
      status.textContent = location.protocol === "file:"
        ? "Search needs the site to be served (for example: python3 -m http.server -d site); every page can still be read from this folder."
        : "Search could not be loaded.";
      throw error;
    }
    return pagefind;
  }

  function fillFilter(select, counts) {
    const current = select.value;
    const names = Object.keys(counts || {}).sort((a, b) => (select.dataset.filter === "year" ? b.localeCompare(a) : a.localeCompare(b)));
    select.replaceChildren(new Option(select.dataset.label, ""));
    for (const name of names) select.add(new Option(`${name} (${counts[name]})`, name));
    select.value = names.includes(current) ? current : "";
    select.hidden = names.length === 0;
  }

  async function showMore() {
    const batch = results.slice(shown, shown + PAGE_SIZE);
    shown += batch.length;
    const data = await Promise.all(batch.map((r) => r.data()));
    for (const item of data) {
      const li = document.createElement("li");
      li.className = "digest-search__result";
      const link = document.createElement("a");
      link.href = new URL(item.url, base).href;
      link.textContent = item.meta.title || item.url;
      const heading = document.createElement("h3");
      heading.append(link);
      const byline = document.createElement("p");
      byline.className = "digest-search__byline";
      byline.textContent = [item.meta.date, item.meta.outlet, item.meta.versions && `${item.meta.versions} versions`].filter(Boolean).join(" · ");
      const excerpt = document.createElement("p");
      excerpt.innerHTML = safeExcerpt(item.excerpt || "");
      li.append(heading, byline, excerpt);
      list.append(li);
    }
    more.hidden = shown >= results.length;
  }

  async function search() {
    const mine = ++generation;
    const query = input.value.trim();
    if (!query) {
      list.replaceChildren();
      status.textContent = "";
      more.hidden = true;
      return;
    }
    const pf = await load();
    const filters = {};
    for (const select of selects) if (select.value) filters[select.dataset.filter] = select.value;
    const options = { filters };
    if (sort.value === "newest") options.sort = { date: "desc" };
    const response = await pf.debouncedSearch(query, options, 250);
    if (response === null || mine !== generation) return; // a newer keystroke took over
    results = response.results;
    shown = 0;
    list.replaceChildren();
    for (const select of selects) fillFilter(select, response.filters[select.dataset.filter]);
    status.textContent = `${results.length} ${results.length === 1 ? "story" : "stories"}`;
    await showMore();
  }

  input.addEventListener("input", search);
  sort.addEventListener("change", search);
  for (const select of selects) select.addEventListener("change", search);
  more.addEventListener("click", showMore);
  const initial = new URLSearchParams(location.search).get("q");
  if (initial) {
    input.value = initial;
    search();
  }
}
