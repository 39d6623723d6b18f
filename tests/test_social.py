"""Social posts: every post of the sample, of every eval article and of random articles is within
its platform's rule, counted independently of the renderer; no word or quote is cut."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from twitter_text import extract_urls_with_indices, parse_tweet

from editorial.config import Settings
from editorial.model import Article, Block, EntitySummary, Extraction, Quote
from editorial.render import posttext, social
from editorial.render.i18n import words
from editorial.render.posttext import camel_tag, clean, quoted, sentences

from .conftest import ROOT, SAMPLE, eval_sources, ingest_and_extract

GOLDENS = Path(__file__).resolve().parent / "goldens" / "social"
PLATFORMS = ("x", "bluesky", "mastodon", "linkedin", "threads")
DEFAULT = Settings()
BASE = Settings.model_validate({"brand": {"url": "https://news.example.org/editorial"}})


# ------------------------------------------------------------------ independent checks


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def mastodon_count(text: str, url_length: int = 23) -> int:
    total = len(text)
    for found in extract_urls_with_indices(text):
        url = found["url"]
        if url.lower().startswith(("http://", "https://")):
            total += url_length - len(url)
        else:
            total += max(0, url_length - len(url))
    return total


def check_rules(name: str, posts: list[dict], cfg: Settings = DEFAULT) -> None:
    """The platform's own limit, counted here without the renderer's code."""
    assert posts, name
    if len(posts) > 1:
        assert name in ("x", "bluesky") and 2 <= len(posts) <= 4, (name, len(posts))
        for i, post in enumerate(posts, 1):
            assert post["text"].endswith(f" {i}/{len(posts)}"), post["text"]
    for post in posts:
        text = post["text"]
        assert text.strip() and text == text.strip()
        if name == "x":
            parsed = parse_tweet(text)
            assert parsed.valid and parsed.weightedLength <= 280, (parsed, text)
        elif name == "bluesky":
            assert len(regex.findall(r"\X", text)) <= 300, text
            assert len(text.encode("utf-8")) <= 3000
            check_facets(post)
        elif name == "mastodon":
            assert mastodon_count(text, cfg.social.mastodon_url_length) <= cfg.social.mastodon_max_chars
        elif name == "linkedin":
            assert utf16(text) <= 3000
            hook = text.split("\n\n", 1)[0]
            assert len(hook) <= 210 and hook.rstrip()[-1] not in ",;:-–—", hook
            check_little_text(post)
        elif name == "threads":
            assert utf16(text) <= 500
            assert len(extract_urls_with_indices(text)) <= 5
            assert len(post["hashtags"]) <= 1
        assert post["length"] <= post["limit"]
        for tag in post["hashtags"]:
            assert regex.fullmatch(r"[\p{L}\p{M}\p{N}]*\p{L}[\p{L}\p{M}\p{N}]*", tag), tag
            assert f"#{tag}" in text
    assert posts[0]["card"] and posts[0]["alt"], "the first post names its card and alt text"
    expected_card = "cards/quote-1080x1080.png" if name == "threads" else "cards/quote-1200x630.png"
    assert posts[0]["card"] == expected_card


def check_facets(post: dict) -> None:
    data = post["text"].encode("utf-8")
    for facet in post["facets"]:
        start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
        assert 0 <= start < end <= len(data)
        piece = data[start:end].decode("utf-8")  # a facet never splits a character
        feature = facet["features"][0]
        if feature["$type"] == "app.bsky.richtext.facet#tag":
            assert piece == "#" + feature["tag"]
        else:
            assert feature["$type"] == "app.bsky.richtext.facet#link"
            assert feature["uri"] == post["link"] and feature["uri"].startswith("https://")
            assert piece.rstrip("…") in feature["uri"]
    tags = [f for f in post["facets"] if f["features"][0]["$type"].endswith("#tag")]
    assert len(tags) == len(post["hashtags"])


def check_little_text(post: dict) -> None:
    api = post["api_text"]
    plain = regex.sub(r"\{hashtag\|\\#\|([^}]*)\}", r"#\1", api)
    assert regex.sub(r"\\(.)", r"\1", plain) == post["text"]
    unescaped = regex.sub(r"\\.", "", regex.sub(r"\{hashtag\|\\#\|[^}]*\}", "", api))
    assert not set(unescaped) & set("|{}@[]()<>#*_~"), unescaped


def source_words(article: Article, extraction: Extraction) -> set[str]:
    texts = [article.title, article.standfirst, article.text, *words(article.language).values()]
    texts += [q.text for q in extraction.quotes] + [q.speaker for q in extraction.quotes]
    return {w.lower() for t in texts for w in regex.findall(r"[\p{L}\p{M}\p{N}]+", t)}


def check_whole(posts: list[dict], article: Article, extraction: Extraction) -> None:
    """No cut word (every word is a word of the article) and no cut quote (every quotation in a
    post is a whole quote of the extraction or stands whole in the article's text)."""
    vocabulary = source_words(article, extraction)
    quotes = {quoted(q.text, article.language) for q in extraction.quotes}
    article_text = clean(article.text)
    for post in posts:
        text = regex.sub(r" \d/\d$", "", post["text"])
        for pattern in (r"“[^“”]*”", r"«\u202f[^«»]*\u202f»"):
            for seen in regex.findall(pattern, text):
                assert seen in quotes or seen in article_text, seen
        assert text.count("“") == text.count("”") and text.count("«") == text.count("»"), text
        for found in sorted(extract_urls_with_indices(text), key=lambda f: -f["indices"][0]):
            a, b = found["indices"]
            text = text[:a] + " " + text[b:]
        text = regex.sub(r"#[\p{L}\p{M}\p{N}]+", " ", text)
        for word in regex.findall(r"[\p{L}\p{M}\p{N}]+", text):
            assert word.lower() in vocabulary, (word, post["text"])


def rendered(article: Article, extraction: Extraction, cfg: Settings = DEFAULT) -> dict:
    files = {f.name: f for f in social.render_social(article, extraction, settings=cfg)}
    assert set(files) == {"social.json", "social.md", "social.csv", "cards/quote-1200x630.png",
                          "cards/quote-1080x1080.png"}
    data = json.loads(files["social.json"].data)
    assert list(data) == list(PLATFORMS)
    rows = list(csv.DictReader(io.StringIO(files["social.csv"].data.decode("utf-8-sig"))))
    assert {"platform", "text", "link", "image_path", "alt_text"} <= set(rows[0])
    assert len(rows) == sum(len(v) for v in data.values())
    assert [r["text"] for r in rows] == [p["text"] for name in PLATFORMS for p in data[name]]
    md = files["social.md"].data.decode()
    for name in PLATFORMS:
        for post in data[name]:
            assert post["text"] in md
    return data


def posts_only(article: Article, extraction: Extraction, cfg: Settings = DEFAULT) -> dict:
    """social.json without the cards (fast, for property tests)."""
    m = social.material(article, extraction, cfg)
    posts = social.all_posts(m, cfg, "alt text", article.language)
    return json.loads(social.social_json(posts))


# ------------------------------------------------------------------ hand-made articles


def make_article(title: str, standfirst: str, paragraphs: list[str], *, language: str = "en",
                 canonical: str = "") -> Article:
    blocks = [Block(kind="title", text=title, start=0, end=len(title))]
    if standfirst:
        blocks.append(Block(kind="standfirst", text=standfirst, start=0, end=len(standfirst)))
    for p in paragraphs:
        blocks.append(Block(kind="paragraph", text=p, start=0, end=len(p)))
    text = "\n\n".join(b.text for b in blocks)
    return Article(source="t.txt", source_name="t.txt", format="txt", slug="test-article", title=title,
                   standfirst=standfirst, language=language, blocks=tuple(blocks), text=text,
                   content_hash="0" * 64, canonical_url=canonical)  # type: ignore[arg-type]


def make_extraction(quotes: list[tuple[str, str]], entities: list[tuple[str, str, int]],
                    language: str = "en") -> Extraction:
    return Extraction(
        language=language,  # type: ignore[arg-type]
        quotes=tuple(Quote(text=t, speaker=s, start=i, end=i + 1, group=i + 1) for i, (t, s) in enumerate(quotes)),
        entity_summary=tuple(EntitySummary(canonical=c, label=label, count=n) for c, label, n in entities),  # type: ignore[arg-type]
    )


HAND = make_article(
    "Can France become a global AI hub?",
    "France has the mathematical talent and the policy ambition to become a leading AI hub. "
    "Paris is technically ahead of San Francisco, says one founder.",
    ["Alexandre Lavallee is an AI entrepreneur. After working at Google, he founded two start-ups.",
     "Open source comes with hard constraints. Hosting costs escalate quickly."],
)
HAND_EX = make_extraction(
    [("From a purely technical standpoint, Paris is actually ahead of San Francisco,", "Alexandre Lavallee"),
     ("Without open source, I would not be here today,", "Alexandre Lavallee")],
    [("France", "LOC", 6), ("Alexandre Lavallee", "PERSON", 5), ("Mistral AI", "ORG", 3), ("Paris", "LOC", 2)],
)


def test_hand_article_every_rule() -> None:
    data = rendered(HAND, HAND_EX, BASE)
    for name in PLATFORMS:
        check_rules(name, data[name], BASE)
        check_whole(data[name], HAND, HAND_EX)
    assert data["x"][0]["link"].startswith("https://news.example.org/editorial/test-article/?utm_source=x")
    assert "utm_medium=social" in data["mastodon"][0]["link"]
    embed = data["bluesky"][0]["embed"]
    assert embed["$type"] == "app.bsky.embed.external"
    assert embed["external"]["uri"] == data["bluesky"][0]["link"]
    assert embed["external"]["thumb"] == "cards/quote-1200x630.png"
    assert embed["external"]["title"] == HAND.title
    # the person is not a hashtag (the title does not name him); entities named by the title lead
    assert data["mastodon"][0]["hashtags"][0] == "France"
    assert all("AlexandreLavallee" not in p["hashtags"] for v in data.values() for p in v)


def test_no_link_without_canonical_or_base() -> None:
    data = posts_only(HAND, HAND_EX)
    assert all(not p["link"] and "http" not in p["text"] for v in data.values() for p in v)
    image = data["bluesky"][0]["embed"]["images"][0]
    assert image["image"] == "cards/quote-1200x630.png" and image["alt"] == "alt text"


def test_canonical_url_is_the_link() -> None:
    article = HAND.model_copy(update={"canonical_url": "https://example.com/story"})
    data = posts_only(article, HAND_EX)
    assert data["threads"][0]["link"] == "https://example.com/story"
    assert "https://example.com/story" in data["threads"][0]["text"]


def test_person_hashtag_when_the_article_is_about_them() -> None:
    article = HAND.model_copy(update={"title": "Alexandre Lavallee bets on Paris"})
    data = posts_only(article, HAND_EX)
    assert "AlexandreLavallee" in data["mastodon"][0]["hashtags"]


def test_camel_tags() -> None:
    assert camel_tag("Mistral AI") == "MistralAI"
    assert camel_tag("Hugging Face") == "HuggingFace"
    assert camel_tag("jean-michel larqué") == "JeanMichelLarqué"
    assert camel_tag("O'Brien & Co.") == "OBrienCo"
    assert camel_tag("2024") == ""


def test_french_article_gets_french_posts() -> None:
    article = make_article(
        "La France peut-elle devenir un pôle mondial de l’IA ?",
        "La France a les talents mathématiques. Paris est en avance sur San Francisco.",
        ["Alexandre Lavallée est un entrepreneur."], language="fr")
    ex = make_extraction([("Sans l’open source, je ne serais pas là aujourd’hui,", "Alexandre Lavallée")],
                         [("France", "LOC", 4)], language="fr")
    data = rendered(article, ex, BASE)
    assert "«\u202fSans l’open source, je ne serais pas là aujourd’hui\u202f»" in data["mastodon"][0]["text"]
    assert "À lire" in data["linkedin"][0]["text"]
    assert data["x"][0]["alt"].startswith("Carte citation")
    for name in PLATFORMS:
        check_rules(name, data[name], BASE)
        check_whole(data[name], article, ex)


def test_long_lead_becomes_a_numbered_thread_split_on_sentences() -> None:
    lead = " ".join(f"Sentence number {i} says something rather long about the economy of Paris." for i in range(12))
    article = make_article("Why Paris?", lead, ["A paragraph."])
    data = posts_only(article, HAND_EX, BASE)
    for name in ("x", "bluesky"):
        posts = data[name]
        assert 2 <= len(posts) <= 4
        check_rules(name, posts, BASE)
        for post in posts:
            body = regex.sub(r" \d/\d$", "", post["text"]).split("\n\n")[0]
            if not body.startswith(("“", "#", "http")):
                assert all(s in lead or s == "Why Paris?" for s in sentences(body)), body
    assert len(data["mastodon"]) == 1


def test_linkedin_little_text_escapes_reserved_characters() -> None:
    assert social.little_text("a (b) #Tag_x @me", ("Tag",)) == "a \\(b\\) \\#Tag\\_x \\@me"
    assert social.little_text("see #France", ("France",)) == "see {hashtag|\\#|France}"


def test_mastodon_limit_is_configurable() -> None:
    cfg = Settings.model_validate({"social": {"mastodon_max_chars": 200}})
    data = posts_only(HAND, HAND_EX, cfg)
    assert data["mastodon"][0]["limit"] == 200
    check_rules("mastodon", data["mastodon"], cfg)


# ------------------------------------------------------------------ property-based


LETTERS = st.sampled_from(list("abcdefghijklmnopqrstuvwxyzéèàçôœÆ"))
ODD = st.sampled_from(["😀", "👍🏽", "👨‍👩‍👧", "日本", "中文字", "한국어", "Ωμέγα", "e\u0301", "🇫🇷", "ｆｕｌｌ"])
WORD = st.one_of(
    st.text(LETTERS, min_size=1, max_size=12),
    st.text(LETTERS, min_size=25, max_size=45),  # long words
    ODD,
    st.builds(lambda s: f"https://example.com/{s}", st.text(LETTERS, min_size=1, max_size=60)),
)


def sentence_strategy(max_words: int = 25) -> st.SearchStrategy[str]:
    return st.builds(lambda ws, end: " ".join(ws).capitalize() + end,
                     st.lists(WORD, min_size=1, max_size=max_words), st.sampled_from([".", "?", "!"]))


NAME = st.builds(lambda a, b: f"{a.capitalize()} {b.capitalize()}",
                 st.text(LETTERS, min_size=2, max_size=10), st.one_of(st.text(LETTERS, min_size=2, max_size=30), ODD))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=sentence_strategy(14),
    lead=st.lists(sentence_strategy(), min_size=0, max_size=5),
    paras=st.lists(sentence_strategy(), min_size=1, max_size=6),
    quotes=st.lists(st.tuples(sentence_strategy(50), st.one_of(NAME, st.just(""))), max_size=4),
    entities=st.lists(st.tuples(NAME, st.sampled_from(["PERSON", "ORG", "LOC"]), st.integers(1, 9)), max_size=5),
    language=st.sampled_from(["en", "fr"]),
    base=st.sampled_from([Settings(), BASE]),
)
def test_random_articles_stay_within_every_rule(title, lead, paras, quotes, entities, language, base) -> None:
    article = make_article(title.rstrip(".!"), " ".join(lead), paras, language=language)
    ex = make_extraction(quotes, entities, language=language)
    data = posts_only(article, ex, base)
    for name in PLATFORMS:
        check_rules(name, data[name], base)
        check_whole(data[name], article, ex)


# ------------------------------------------------------------------ real articles


def test_sample_social(update_goldens: bool) -> None:
    article, extraction = ingest_and_extract(SAMPLE)
    data = rendered(article, extraction)
    for name in PLATFORMS:
        check_rules(name, data[name])
        check_whole(data[name], article, extraction)
    golden = GOLDENS / "sample.json"
    actual = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if update_goldens or not golden.exists():
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert golden.read_text(encoding="utf-8") == actual, "social.json differs (pytest --update-goldens)"


@pytest.mark.parametrize("path", eval_sources(), ids=lambda p: p.stem)
def test_eval_article_social(path: Path) -> None:
    article, extraction = ingest_and_extract(path)
    data = rendered(article, extraction, BASE)
    for name in PLATFORMS:
        check_rules(name, data[name], BASE)
        check_whole(data[name], article, extraction)
    if article.language == "fr":
        assert "À lire" in data["linkedin"][0]["text"]


def test_templates_use_only_their_context_fields() -> None:
    import dataclasses

    fields = {f.name for f in dataclasses.fields(social.SocialMdContext)}
    post_fields = {f.name for f in dataclasses.fields(social.Post)}
    text = (ROOT / "templates" / "social.md.j2").read_text()
    assert set(regex.findall(r"ctx\.(\w+)", text)) <= fields
    assert set(regex.findall(r"post\.(\w+)", text)) <= post_fields
    from editorial.render.cards import CardContext

    card_fields = {f.name for f in dataclasses.fields(CardContext)}
    assert set(regex.findall(r"ctx\.(\w+)", (ROOT / "templates" / "cards" / "quote.html").read_text())) <= card_fields


@pytest.mark.parametrize(
    ("title", "standfirst", "paragraphs"),
    [
        ("Just a title", "", []),
        ("人工智能" * 300, "", []),  # no spaces: the last resort cuts between characters
        ("x" * 2000, "", ["y" * 5000]),
        ("😀" * 400, "👨‍👩‍👧 " * 200, []),
    ],
    ids=["title-only", "cjk-no-spaces", "one-huge-word", "emoji-flood"],
)
def test_degenerate_articles_still_fit(title: str, standfirst: str, paragraphs: list[str]) -> None:
    data = rendered(make_article(title, standfirst, paragraphs), make_extraction([], []), BASE)
    for name in PLATFORMS:
        check_rules(name, data[name], BASE)


def test_a_tag_that_begins_another_is_not_found_inside_it() -> None:
    """Found by the property test: tags "AaAa" and "Aa" (an emoji dropped from the second name);
    "#Aa" inside "#AaAa" was counted as a second tag (Threads allows one) and given a Bluesky
    facet over the first bytes of the other tag."""
    assert posttext.find_tag("Read #AaAa now", "Aa") is None
    assert posttext.find_tag("Read #AaAa now", "AaAa") == (5, 10)
    assert posttext.find_tag("#Aa, #AaAa", "Aa") == (0, 3)
    article = make_article("A title", "A lead sentence.", ["A paragraph."], language="en")
    ex = make_extraction([], [("Aa Aa", "ORG", 3), ("Aa 😀", "ORG", 2)], language="en")
    for base in (Settings(), BASE):
        data = posts_only(article, ex, base)
        for name in PLATFORMS:
            check_rules(name, data[name], base)
            check_whole(data[name], article, ex)


# Characters around every kind of post: typographic marks, accents, CJK (weight 2), the code
# points emoji sequences are made of (ZWJ, variation selector, keycap, tags), control and
# invalid characters, line endings; URLs with and without a scheme.
X_CHARS = st.sampled_from(list("abc XYZ 019#*.,;:!?'\"-–—…’“”«»\u202f\u00a0éàçœ日本한\u0301\r\n\t")
                          + ["\u200d", "\ufe0f", "\u20e3", "\U000e0067", "\ufffe", "\u2066",
                             "©", "™", "↔", "😷", "👍🏽", "🇫🇷", "1️⃣", "#️⃣"])  # fmt: skip
X_PIECE = st.one_of(st.lists(X_CHARS, max_size=40).map("".join), st.sampled_from(
    ["https://example.com/a?b=c", "example.org", "www.example.net/path", "http://x.co"]))


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(X_PIECE, max_size=12))
def test_x_count_agrees_with_twitter_text(pieces: list[str]) -> None:
    from twitter_text import parse_tweet

    from editorial.render.platforms import x_count

    text = " ".join(pieces)
    parsed = parse_tweet(text)
    assert x_count(text) == (bool(parsed.valid), int(parsed.weightedLength))


def test_x_count_skips_the_emoji_search_only_without_emoji() -> None:
    from editorial.render import platforms

    plain = "« L’été », dit-elle — 日本 https://example.com/a\r\n"
    assert not platforms._emoji_chars().search(platforms._tweet_text(plain))
    for emoji in ("😷", "👍🏽", "🇫🇷", "1️⃣", "©", "\u200d"):
        assert platforms._emoji_chars().search(platforms._tweet_text(plain + emoji)), emoji
