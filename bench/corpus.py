"""Benchmark corpus: N varied articles built from the eval set and the sample, deterministically.

Usage: python bench/corpus.py N [--out DIR] [--seed S]

Article 0 is the sample (sources/), the rest go round-robin over the eval texts (tests/eval,
English and French), so the language mix and the length mix are the same at every N >= 20.
Every article gets its own title (so its own slug) and its own sentences, inserted into two
body paragraphs and added as a closing paragraph, so no two articles share a content hash
and no cache (the pipeline's content keys, spaCy, the fonts) can answer for another article.
Article i depends only on (seed, i): the corpus for N=100 is the first 100 files of N=1,000.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sources" / "can-france-become-a-global-ai-hub.txt"
EVAL_DIRS = (ROOT / "tests" / "eval", Path("/work/shared/eval"))
CORPUS_VERSION = "1"  # bump when the way articles are varied changes

# Words that make a sentence unique without changing what the extractor has to do:
# no quotation marks, no reporting verbs, a number and a place or a plain noun.
_VARIANTS = {
    "en": {
        "prefix": ("Update", "Analysis", "Explainer", "Dispatch", "Briefing", "Report", "Focus"),
        "sentence": (
            "The figures were checked again on {n} occasions by the desk in {place}.",
            "About {n} readers wrote in from {place} after the first version appeared.",
            "Local records from {place} list {n} similar cases over the past decade.",
            "The team in {place} spent {n} hours reviewing the documents.",
            "A survey in {place} counted {n} responses on the subject.",
        ),
        "closing": "Editor's note: this version was prepared in {place} as file {ref}, "
        "with {n} corrections to earlier drafts.",
        "places": ("Leeds", "Denver", "Cork", "Adelaide", "Halifax", "Pune", "Nairobi", "Oslo"),
    },
    "fr": {
        "prefix": ("Actualité", "Analyse", "Décryptage", "Dépêche", "Éclairage", "Dossier"),
        "sentence": (
            "Les chiffres ont été vérifiés à {n} reprises par la rédaction de {place}.",
            "Environ {n} lecteurs de {place} ont réagi à la première version.",
            "Les archives de {place} recensent {n} cas comparables depuis dix ans.",
            "L'équipe de {place} a consacré {n} heures à l'examen des documents.",
            "Une enquête menée à {place} a recueilli {n} réponses sur le sujet.",
        ),
        "closing": "Note de la rédaction : cette version a été préparée à {place} sous la "
        "référence {ref}, avec {n} corrections par rapport aux versions précédentes.",
        "places": ("Lille", "Nantes", "Rennes", "Dijon", "Grenoble", "Metz", "Tours", "Caen"),
    },
}


@dataclass(frozen=True)
class Base:
    path: Path
    language: str  # "en" or "fr"


@dataclass(frozen=True)
class Entry:
    file: str
    base: str
    language: str
    words: int
    sha256: str


def eval_dir() -> Path:
    for d in EVAL_DIRS:
        if any(d.glob("en/*.txt")):
            return d
    raise SystemExit(f"no eval set found in {', '.join(map(str, EVAL_DIRS))}")


def bases() -> list[Base]:
    """The sample first, then the eval texts in a fixed order, alternating languages."""
    d = eval_dir()
    en = sorted(d.glob("en/*.txt"))
    fr = sorted(d.glob("fr/*.txt"))
    mixed: list[Base] = []
    for k in range(max(len(en), len(fr))):
        if k < len(en):
            mixed.append(Base(en[k], "en"))
        if k < len(fr):
            mixed.append(Base(fr[k], "fr"))
    return [Base(SAMPLE, "en"), *mixed]


def vary(text: str, language: str, index: int, seed: int) -> str:
    """Article `index` built from `text`: a new title and three unique sentences."""
    rng = random.Random(f"{seed}:{index}")
    words = _VARIANTS[language]
    lines = text.strip("\n").split("\n")
    title, body = lines[0].strip(), lines[1:]
    title = f"{rng.choice(words['prefix'])} {index + 1:04d}: {title}"
    # Paragraphs long enough to be body text (not the dateline, not a short heading).
    long = [k for k, line in enumerate(body) if len(line.split()) >= 25]
    for k in rng.sample(long, min(2, len(long))):
        sentence = rng.choice(words["sentence"]).format(
            n=rng.randint(3, 997), place=rng.choice(words["places"])
        )
        body[k] = body[k].rstrip() + " " + sentence
    closing = words["closing"].format(
        place=rng.choice(words["places"]),
        ref=f"{seed}-{index:05d}-{rng.randrange(16**6):06x}",
        n=rng.randint(2, 40),
    )
    return "\n".join([title, *body, "", closing]) + "\n"


def build(n: int, out: Path, *, seed: int = 2026) -> list[Entry]:
    """Write N articles into `out` (created; stale .txt files removed) and `corpus.json`.

    Reuses the folder as it is when its manifest says it holds this exact corpus."""
    pool = bases()
    fingerprint = hashlib.sha256(
        "\0".join([CORPUS_VERSION, str(seed), str(n)] + [b.path.read_text("utf-8") for b in pool])
        .encode("utf-8")
    ).hexdigest()[:16]  # fmt: skip
    manifest_path = out / "corpus.json"
    if manifest_path.is_file():
        try:
            old = json.loads(manifest_path.read_text("utf-8"))
            if old.get("fingerprint") == fingerprint and all(
                (out / e["file"]).is_file() for e in old["articles"]
            ):
                return [Entry(**e) for e in old["articles"]]
        except (ValueError, KeyError, TypeError):
            pass
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("*.txt"):
        stale.unlink()
    entries: list[Entry] = []
    for i in range(n):
        base = pool[i % len(pool)]
        text = vary(base.path.read_text("utf-8"), base.language, i, seed)
        name = f"{i:05d}-{base.path.stem[:40]}.txt"
        data = text.encode("utf-8")
        (out / name).write_bytes(data)
        entries.append(Entry(file=name, base=base.path.name, language=base.language,
                             words=len(text.split()), sha256=hashlib.sha256(data).hexdigest()))  # fmt: skip
    hashes = {e.sha256 for e in entries}
    assert len(hashes) == len(entries), "two corpus articles are identical"
    manifest = {"fingerprint": fingerprint, "seed": seed, "n": n, "version": CORPUS_VERSION,
                "words": sum(e.words for e in entries),
                "languages": {lang: sum(e.language == lang for e in entries) for lang in ("en", "fr")},
                "articles": [asdict(e) for e in entries]}  # fmt: skip
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return entries


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("n", type=int)
    p.add_argument("--out", type=Path, default=None, help="default: bench/out/corpus-N")
    p.add_argument("--seed", type=int, default=2026)
    args = p.parse_args(argv)
    out = args.out or ROOT / "bench" / "out" / f"corpus-{args.n}"
    entries = build(args.n, out, seed=args.seed)
    words = sum(e.words for e in entries)
    langs = {lang: sum(e.language == lang for e in entries) for lang in ("en", "fr")}
    print(f"{len(entries)} articles, {words:,} words ({langs}) in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
