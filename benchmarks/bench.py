"""Benchmark on synthetic corpora: what a build costs against plain MkDocs, cold and warm.

``python -m benchmarks.bench --sizes 400 1600`` writes corpora of that many sources (new
stories, exact copies with other chrome, near copies, rewrites) and, per size, times as a
user or CI meets them, each in a new process:

* **floor**: plain ``mkdocs build`` (Material, its search plugin on) of the very pages the
  digest generates, written out as Markdown: what any MkDocs site of this archive pays;
* **source floor**: plain ``mkdocs build`` (Material, its search plugin on) of one page per
  source holding that source's text, out of the navigation: what MkDocs pays for the sources
  alone, whatever the digest makes of them;
* **cold**: ``build-digest build`` with an empty cache;
* **+1 source**: one source added, ``build-digest build`` again with the cache present;

and prints the ratios to the floor, peak memory, and the growth exponent of time over size
(1.0 is linear). ``--stages`` instead builds in this process and prints seconds per stage.
"""

from __future__ import annotations

import argparse
import math
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

from build_digest.entities import clear_entity_cache
from build_digest.pipeline import StageTimer
from build_digest.plugin import DigestPlugin

ROOT = Path(__file__).resolve().parent.parent
PLACES = [
    "Laukkai",
    "Lashio",
    "Hsenwi",
    "Kunlong",
    "Chinshwehaw",
    "Muse",
    "Namhkam",
    "Kutkai",
    "Hopang",
    "Pauktaw",
    "Minbya",
    "Kyauktaw",
    "Myawaddy",
    "Tachileik",
    "Loikaw",
]
GROUPS = [
    "Arakan Army",
    "Ta'ang National Liberation Army",
    "Myanmar National Democratic Alliance Army",
    "Kachin Independence Army",
    "People's Defence Force",
    "Karenni Army",
]
PEOPLE = [
    "Min Aung Hlaing",
    "Maung Saungkha",
    "Richard Horsey",
    "Mao Ning",
    "Wang Wenbin",
    "Nong Rong",
    "Zaw Min Tun",
    "Duwa Lashi La",
]
VERBS = [
    "captured",
    "attacked",
    "surrounded",
    "shelled",
    "withdrew from",
    "negotiated over",
    "reinforced",
    "evacuated",
]
NOUNS = [
    "outpost",
    "border gate",
    "police station",
    "battalion headquarters",
    "trade route",
    "bridge",
    "airstrip",
    "checkpoint",
]
CHROME = [
    "Most Popular",
    "Share on Facebook",
    "Advertisement",
    "Home > News > Asia",
    "Sign up for our newsletter",
    "© 2024 Example Media. All rights reserved.",
]


def vocabulary() -> list[str]:
    """Words of the shipped seed articles: synthetic text with a real news vocabulary."""
    words: list[str] = []
    for seed in sorted((ROOT / "sources").glob("*.txt")):
        words.extend(
            w for w in re.findall(r"[A-Za-z’'-]+", seed.read_text(encoding="utf-8")) if len(w) > 1
        )
    return words


def synthetic_sentence(
    rng: random.Random, words: list[str], place: str, group: str, person: str
) -> str:
    """A sentence of seed words in random order, with names and a figure, as a report has."""
    body = " ".join(rng.choice(words) for _ in range(rng.randint(12, 26)))
    return (
        f"{body.capitalize()} {rng.choice(['near', 'in', 'outside'])} {place}, {person} of the"
        f" {group} said, citing {rng.randint(2, 90000):,} people."
    )


def synthetic_story(rng: random.Random, words: list[str], n: int) -> tuple[str, list[str]]:
    place, group, person = rng.choice(PLACES), rng.choice(GROUPS), rng.choice(PEOPLE)
    title = f"{group} {rng.choice(VERBS)} {rng.choice(NOUNS)} near {place} in report {n}"
    paragraphs = [
        " ".join(
            synthetic_sentence(rng, words, place, group, person) for _ in range(rng.randint(1, 3))
        )
        for _ in range(rng.randint(6, 14))
    ]
    return title, paragraphs


def write_corpus(folder: Path, size: int, seed: int = 1027) -> None:
    """``size`` sources: about 70% new stories, 15% copies with chrome, 10% near copies and
    5% rewrites."""
    rng = random.Random(seed)
    words = vocabulary()
    stories: list[tuple[str, list[str]]] = []
    for n in range(size):
        roll = rng.random()
        if stories and roll < 0.15:
            title, paras = rng.choice(stories)
            text = "\n\n".join(
                [rng.choice(CHROME), title, *paras, rng.choice(CHROME), rng.choice(CHROME)]
            )
        elif stories and roll < 0.25:
            title, paras = rng.choice(stories)
            cut = rng.randrange(len(paras))
            text = "\n\n".join(
                [
                    title,
                    "A new lead paragraph added by another outlet's desk for its own readers.",
                    *paras[:cut],
                    *paras[cut + 1 :],
                ]
            )
        elif stories and roll < 0.30:
            title, paras = rng.choice(stories)
            text = "\n\n".join(
                [
                    f"Report: {title.lower()}",
                    *(
                        p.replace(" said, citing ", " stated, pointing to ").replace(
                            " the ", " this "
                        )
                        for p in reversed(paras)
                    ),
                ]
            )
        else:
            title, paras = synthetic_story(rng, words, n)
            stories.append((title, paras))
            text = "\n\n".join([title, f"{rng.randint(1, 28)} March 2024", *paras])
        (folder / f"{n:06d}.txt").write_text(text + "\n", encoding="utf-8")


def run_once(size: int, workdir: Path) -> dict[str, float]:
    # Corpora share their first sources (same seed): a warm NER cache would flatter the larger ones.
    clear_entity_cache()
    project = make_project(workdir / f"corpus-{size}", size)
    cfg = load_config(str(project / "mkdocs.yml"), site_dir=str(project / "site"))
    plugin = cfg.plugins["digest"]
    assert isinstance(plugin, DigestPlugin)
    plugin.timer = StageTimer()
    start = time.perf_counter()
    mkdocs_build(cfg)
    total = time.perf_counter() - start
    outside = ("entity finder", "publish")  # timed by the digest, but not pipeline stages
    pipeline = sum(v for k, v in plugin.timer.seconds.items() if k not in outside)
    render = total - pipeline - sum(plugin.timer.seconds.get(k, 0.0) for k in outside)
    return {**plugin.timer.seconds, "pipeline": pipeline, "mkdocs render": render, "total": total}


def exponent(sizes: list[int], seconds: list[float]) -> float:
    """Least-squares slope of log(seconds) over log(size)."""
    xs, ys = [math.log(s) for s in sizes], [math.log(max(t, 1e-6)) for t in seconds]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )


def make_project(folder: Path, size: int) -> Path:
    shutil.copytree(ROOT / "docs", folder / "docs")
    shutil.copy(ROOT / "mkdocs.yml", folder / "mkdocs.yml")
    shutil.copy(ROOT / "taxonomy.yml", folder / "taxonomy.yml")
    (folder / "sources").mkdir()
    write_corpus(folder / "sources", size)
    return folder


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """Seconds of wall time and the peak memory (GB) of one child process."""
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024 / 1024


def floor_project(project: Path, folder: Path) -> Path:
    """The digest's generated pages as a plain MkDocs project: no plugin, Material's search on."""
    from build_digest.pipeline import run_pipeline

    cfg = load_config(str(project / "mkdocs.yml"))
    plugin = cfg.plugins["digest"]
    assert isinstance(plugin, DigestPlugin)
    result = run_pipeline(plugin.config.to_settings())
    docs = folder / "docs"
    shutil.copytree(project / "docs", docs)
    for path, text in result.pages.items():
        (docs / path).parent.mkdir(parents=True, exist_ok=True)
        (docs / path).write_text(text, encoding="utf-8")
    for page in docs.rglob("*.md"):
        page.write_text(
            re.sub(
                r"<!--\s*digest:(\w+)\s*-->",
                lambda m: result.fragments.get(m[1], ""),
                page.read_text(encoding="utf-8"),
            ),
            encoding="utf-8",
        )
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"(?ms)^plugins:.*?(?=^\S|\Z)", "plugins:\n  - search\n\n", config)
    (folder / "mkdocs.yml").write_text(config, encoding="utf-8")
    return folder


def source_floor_project(project: Path, folder: Path) -> Path:
    """One page per source, holding its text, out of the navigation: no plugin, Material's
    search on."""
    docs = folder / "docs"
    docs.mkdir(parents=True)
    (docs / "index.md").write_text("# Sources\n", encoding="utf-8")
    for n, source in enumerate(sorted((project / "sources").rglob("*.txt"))):
        text = source.read_text(encoding="utf-8", errors="replace")
        (docs / "sources" / f"{n:06d}.md").parent.mkdir(exist_ok=True)
        (docs / "sources" / f"{n:06d}.md").write_text(text, encoding="utf-8")
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"(?ms)^plugins:.*?(?=^\S|\Z)", "plugins:\n  - search\n\n", config)
    config = re.sub(r"(?ms)^nav:.*?(?=^\S|\Z)", "nav:\n  - Home: index.md\n\n", config)
    config = re.sub(r"(?m)^extra_css:.*\n(?:  - .*\n)*", "", config)
    (folder / "mkdocs.yml").write_text(config, encoding="utf-8")
    return folder


def compare(size: int, workdir: Path) -> dict[str, float]:
    project = make_project(workdir / f"corpus-{size}", size)
    cli = [sys.executable, "-m", "build_digest.cli", "build"]
    cold, cold_gb = timed(cli, project)
    rng = random.Random(size)
    title, paragraphs = synthetic_story(rng, vocabulary(), size + 1)
    (project / "sources" / "added.txt").write_text(
        "\n\n".join([title, *paragraphs]) + "\n", encoding="utf-8"
    )
    warm, warm_gb = timed(cli, project)
    pages = [f for f in (project / "site").rglob("*.html")]
    site_bytes = sum(f.stat().st_size for f in (project / "site").rglob("*") if f.is_file())
    plain = floor_project(project, workdir / f"floor-{size}")
    floor, _ = timed([sys.executable, "-m", "mkdocs", "build", "-q"], plain)
    per_source = source_floor_project(project, workdir / f"source-floor-{size}")
    source_floor, _ = timed([sys.executable, "-m", "mkdocs", "build", "-q"], per_source)
    return {
        "floor": floor,
        "source floor": source_floor,
        "cold": cold,
        "+1 source": warm,
        "cold/floor": cold / floor,
        "+1/floor": warm / floor,
        "cold/src floor": cold / source_floor,
        "+1/src floor": warm / source_floor,
        "peak GB": max(cold_gb, warm_gb),
        "pages/source": len(pages) / (size + 1),
        "KB/source": site_bytes / 1024 / (size + 1),
    }


def print_table(
    rows: list[tuple[int, dict[str, float]]], growth: tuple[str, ...], unit: str = ""
) -> None:
    """One row per corpus size, then the growth exponent of the named columns."""
    columns = list(dict.fromkeys(k for _, row in rows for k in row))
    print("sources  " + "  ".join(f"{c:>13}" for c in columns))
    for size, row in rows:
        print(f"{size:>7}  " + "  ".join(f"{row.get(c, 0.0):>12.2f}{unit or ' '}" for c in columns))
    if len(rows) >= 2:
        sizes = [s for s, _ in rows]
        for column in growth:
            print(
                f"growth exponent of {column}: {exponent(sizes, [r[column] for _, r in rows]):.2f}"
                " (1.0 = linear)"
            )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[400, 1600])
    parser.add_argument(
        "--stages", action="store_true", help="build in this process and print seconds per stage"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="digest-bench-") as tmp:
        if args.stages:
            print_table(
                [(size, run_once(size, Path(tmp))) for size in args.sizes],
                ("pipeline", "mkdocs render", "total"),
                "s",
            )
        else:
            print_table(
                [(size, compare(size, Path(tmp))) for size in args.sizes],
                ("floor", "source floor", "cold", "+1 source"),
            )


if __name__ == "__main__":
    main()
