"""A seeded #AskObama-scale session with known answers, for the triage benchmark.

`python -m bench.triage_corpus OUT_DIR [--seed N] [--count N]` writes
`posts.jsonl` (the `qtime ingest --source file:` format) and `truth.jsonl`
(per post: its family, its kind and the surface changes applied).

The session: 200 question families in Italian and English, a quarter of
the posts, whose sizes follow a Zipf law (the largest has thousands of
copies, the tenth hundreds, the smallest tens),
copied with what copies really carry (RT/MT prefixes, quotes, a cut with
"…", typos, case, accents, punctuation, emoji, hashtags, mentions, links);
near misses (a family's sentence with one content word changed, which is
another family); questions asked once (44%); 29% off-topic posts; spam floods
(one text posted by many accounts within minutes). Posts are spread over a
simulated hour, families in bursts.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

START = datetime(2011, 7, 6, 18, 0, tzinfo=UTC)
HOUR = 3600.0

# Question templates: each slot's values are content words, so changing one
# slot makes a near miss (another question).
FAMILY_TEMPLATES: list[tuple[str, dict[str, list[str]]]] = [
    ("What will you do to create jobs for {group} in {state}?", {
        "group": ["young graduates", "veterans", "teachers", "nurses", "factory workers", "single mothers", "farmers", "small business owners"],
        "state": ["Ohio", "Michigan", "Texas", "Florida", "Nevada", "Iowa", "Oregon", "Georgia"]}),
    ("Will you raise taxes on {who} to pay for {what}?", {
        "who": ["the wealthy", "oil companies", "hedge funds", "corporations", "banks", "millionaires"],
        "what": ["health care", "public schools", "highways", "the deficit", "Medicare", "student loans"]}),
    ("How can we cut the deficit without cutting {program}?", {
        "program": ["Social Security", "Medicare", "Medicaid", "education", "scientific research", "food stamps", "veterans benefits"]}),
    ("What is your plan to make {item} affordable for {group}?", {
        "item": ["college", "child care", "housing", "prescription drugs", "broadband", "health insurance"],
        "group": ["middle class families", "seniors", "students", "immigrants", "rural towns", "young couples"]}),
    ("Will the budget deal protect funding for {program} in {year}?", {
        "program": ["NASA", "Head Start", "Pell Grants", "Amtrak", "the EPA", "cancer research"],
        "year": ["2012", "2013", "2014", "2015"]}),
    ("Why are {cost} growing faster than wages for {group}?", {
        "cost": ["tuition fees", "rents", "gas prices", "insurance premiums", "food prices"],
        "group": ["teachers", "nurses", "truck drivers", "waiters", "cashiers"]}),
    ("When will the housing market in {state} recover from the foreclosure crisis?", {
        "state": ["Nevada", "Arizona", "California", "Florida", "Michigan", "Ohio", "Georgia"]}),
    ("Should companies that move jobs to {country} lose their tax breaks?", {
        "country": ["China", "Mexico", "India", "Vietnam", "Brazil"]}),
    ("Quando arriverà la fibra a {city}?", {
        "city": ["Bari", "Bergamo", "Napoli", "Torino", "Palermo", "Verona", "Lecce", "Padova", "Trieste", "Cagliari"]}),
    ("Perché l'ADSL a {city} è così lenta la sera?", {
        "city": ["Bari", "Bergamo", "Napoli", "Torino", "Palermo", "Verona", "Lecce", "Padova", "Trieste", "Cagliari"]}),
    ("Quando ci sarà la copertura 4G a {city} e in provincia?", {
        "city": ["Bari", "Bergamo", "Napoli", "Torino", "Palermo", "Verona", "Lecce", "Padova", "Trieste", "Cagliari"]}),
    ("Che tempi ci sono per eliminare il digital divide in {region}?", {
        "region": ["Puglia", "Lombardia", "Sardegna", "Calabria", "Basilicata", "Molise", "Sicilia", "Abruzzo"]}),
    ("Come mai la bolletta di {month} è più alta del solito?", {
        "month": ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno"]}),
    ("Quanto costerà l'offerta {offer} per i clienti {kind}?", {
        "offer": ["Tutto Incluso", "Smart Casa", "Internet Senza Limiti", "Mobile Giovani"],
        "kind": ["business", "residenziali", "prepagati", "universitari"]}),
    ("Perché il servizio clienti non risponde dopo le {hour} di sera?", {
        "hour": ["18", "19", "20", "21", "22"]}),
    ("Avete in programma la banda larga per le scuole di {city}?", {
        "city": ["Bari", "Bergamo", "Napoli", "Torino", "Palermo", "Verona", "Lecce", "Padova", "Trieste", "Cagliari"]}),
    ("Il modem {model} è compatibile con la fibra di {city}?", {
        "model": ["Alice Gate", "Smart Modem", "Fritz Box", "Netgear"],
        "city": ["Bari", "Bergamo", "Napoli", "Torino", "Milano", "Roma"]}),
]

# Questions asked once: wider vocabulary, never a family's sentence.
SINGLE_TEMPLATES = [
    "{opener} what do you think about {a} and {b} for {people}?",
    "{opener} how will {a} change {b} for {people} next year?",
    "{opener} cosa pensa di {a} e {b} per {people}?",
    "{opener} is {a} more important than {b} for {people}?",
    "{opener} quando arriverà {a} per {people} e {b}?",
]
OPENERS = ["", "Mr President,", "Hi!", "Serious question:", "Buongiorno,", "Salve,", "Dear Sir,", "Quick one:", "Domanda:", "Hello from Ohio,"]
NOUNS = (
    "energy trade immigration bridges pensions mortgages startups patents tariffs subsidies "
    "vaccines hospitals libraries railways ports airports pipelines coal solar wind nuclear "
    "manufacturing exports imports unions wages bonuses loans credit savings inflation "
    "privacy surveillance drones satellites telescopes oceans forests rivers drought floods "
    "wildfires hurricanes earthquakes tourism museums theaters sports stadiums parks "
    "lavoro pensioni tasse scuole ospedali treni autostrade porti turismo musei "
    "agricoltura vino olio pesca industria acciaio moda design ricerca universita "
    "sanita farmaci medici infermieri giovani anziani famiglie affitti mutui risparmi"
).split()
PEOPLE = (
    "veterans students farmers nurses teachers miners pilots artists doctors engineers "
    "retirees commuters tenants landlords coders builders bakers drivers fishermen "
    "studenti pensionati operai artigiani commercianti agricoltori pendolari famiglie"
).split()

OFFTOPIC_TEMPLATES = [
    "{greet} {name}! {chat}",
    "{chat} {tag}",
    "lol {chat}",
    "{name} {chat} {emoji}",
    "{greet} a tutti, {chat}",
]
GREETS = ["Hi", "Hello", "Ciao", "Hey", "Buonasera", "Good evening", "Yo", "Salve"]
NAMES = ["Barack", "Mr President", "everyone", "Twitter", "America", "Italia", "guys", "ragazzi", "folks", "friends"]
CHAT_A = "watching the game tonight|my cat just sneezed|pizza for dinner again|this hashtag is trending|love the new album|raining all day here|ho fame|che caldo oggi|il treno è in ritardo|forza ragazzi|best day ever|monday again|coffee time|sono stanchissimo|who else is bored".split("|")
CHAT_B = "with my brother|in Chicago|a Milano|right now|for real|again|stasera|oggi|on the couch|at work|in spiaggia|before bed|after school|con gli amici|in the rain".split("|")
CHAT_C = "so happy|not again|can't wait|no comment|incredible|che bello|ma dai|why not|oh well|yes we can|boh|what a day|finally|amazing|meh".split("|")
TAGS = ["#AskObama", "#twittertime", "#fail", "#FF", "#jobs", "#Italia", "#win", "#fibra", "#budget"]
EMOJI = ["😀", "🇺🇸", "🇮🇹", "👍", "🔥", "😡", "🙏", "❤️", "👏🏽", "🤔"]
MENTIONS = ["@BarackObama", "@WhiteHouse", "@TelecomItalia", "@TIM_Official", "@twitter", "@jack"]
SPAM = [
    "Win a free iPhone 5 today! Click here {link}",
    "Follow me and get 1000 followers fast {link}",
    "Lose 10 kg in a week with this one trick {link}",
    "Guadagna 500 euro al giorno da casa {link}",
    "Cheap Ray-Ban sunglasses 80% off {link}",
    "{link}",
]
QUOTE_COMMENTS = ["Good question!", "This!", "Same here", "Ottima domanda", "+1", "Please answer"]
KEYBOARD = "qwertyuiopasdfghjklzxcvbnm"


@dataclass
class Post:
    id: str
    author: str
    text: str
    at: float  # seconds into the hour
    votes: int
    family: str
    kind: str  # question, near-miss, single, off-topic, spam
    changes: list[str] = field(default_factory=list)
    ambiguous: bool = False  # cut within the start it shares with another family's sentence
    near_miss_of: str | None = None  # the family whose sentence this one's differs from by one content word

    def record(self) -> dict[str, object]:
        at = (START + timedelta(seconds=self.at)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return {"author": self.author, "text": self.text, "id": self.id, "at": at, "votes": self.votes}

    def truth(self) -> dict[str, object]:
        return {"id": self.id, "family": self.family, "kind": self.kind, "changes": self.changes,
                "ambiguous": self.ambiguous, "near_miss_of": self.near_miss_of}


def fill(rng: random.Random, template: str, slots: dict[str, list[str]]) -> tuple[str, dict[str, str]]:
    chosen = {name: rng.choice(values) for name, values in sorted(slots.items())}
    return template.format(**chosen), chosen


def zipf_sizes(count: int, total: int, exponent: float) -> list[int]:
    weights = [1 / rank**exponent for rank in range(1, count + 1)]
    scale = total / sum(weights)
    return [max(20, round(weight * scale)) for weight in weights]


def family_sentences(rng: random.Random, families: int) -> list[tuple[str, str, str | None]]:
    """(family id, sentence, the family it is a near miss of) for each family."""
    sentences: dict[str, tuple[str, str | None]] = {}
    bases: list[tuple[int, dict[str, str]]] = []
    while len(sentences) < families:
        index = rng.randrange(len(FAMILY_TEMPLATES))
        template, slots = FAMILY_TEMPLATES[index]
        if bases and rng.random() < 0.35:  # a near miss: one slot of an earlier family changed
            index, chosen = rng.choice(bases)
            template, slots = FAMILY_TEMPLATES[index]
            name = rng.choice(sorted(slots))
            other = dict(chosen, **{name: rng.choice([v for v in slots[name] if v != chosen[name]])})
            text, of = template.format(**other), template.format(**chosen)
            if text not in sentences:
                sentences[text] = (f"f{len(sentences)}", sentences[of][0])
                bases.append((index, other))
            continue
        text, chosen = fill(rng, template, slots)
        if text not in sentences:
            sentences[text] = (f"f{len(sentences)}", None)
            bases.append((index, chosen))
    return [(fid, text, of) for text, (fid, of) in sentences.items()]


def typo(rng: random.Random, text: str) -> str:
    words = text.split(" ")
    spots = [i for i, word in enumerate(words) if len(word) >= 5 and word.isalpha()]
    if not spots:
        return text
    i = rng.choice(spots)
    word, at = words[i], rng.randrange(1, len(words[i]) - 2)
    edit = rng.randrange(4)
    if edit == 0:
        word = word[:at] + word[at + 1] + word[at] + word[at + 2:]  # swap
    elif edit == 1:
        word = word[:at] + word[at + 1:]  # drop
    elif edit == 2:
        word = word[:at] + word[at] + word[at:]  # double
    else:
        word = word[:at] + rng.choice(KEYBOARD) + word[at + 1:]  # wrong key
    words[i] = word
    return " ".join(words)


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def link(rng: random.Random) -> str:
    return f"http://t.co/{''.join(rng.choice('abcdefghijkmnpqrstuvwxyz0123456789') for _ in range(8))}"


def vary(rng: random.Random, body: str, lead: int, kept: int, parent_author: str, retype: bool) -> tuple[str, int, int, list[str]]:
    """A copy of a post as people make them.

    `body` is the parent post, whose family's sentence starts after `lead`
    characters and of which `kept` characters are left (fewer after a cut).
    Returns the copy, its lead, what it keeps and the changes made. Typos
    come from retyping (`retype`): a copy of a copy keeps its parent's.
    """
    changes = []
    if retype and rng.random() < 0.08:
        body, _ = typo(rng, body), changes.append("typo")
        if rng.random() < 0.3:
            body = typo(rng, body)
    if rng.random() < 0.10:
        body, _ = (body.lower() if rng.random() < 0.7 else body.upper()), changes.append("case")
    if rng.random() < 0.10:
        body, _ = body.replace("?", "").replace(",", "").replace("'", " "), changes.append("punctuation")
    if rng.random() < 0.10 and body != strip_accents(body):
        body, _ = strip_accents(body), changes.append("accents")
    if rng.random() < 0.06 and not body.endswith("…"):  # a client's cut: 60-95% of the text is left
        at = rng.randrange(lead + int((len(body) - lead) * 0.6), lead + int((len(body) - lead) * 0.95) + 1)
        body, kept, _ = body[:at].rstrip() + "…", min(kept, at - lead), changes.append("cut")
    text = body
    if rng.random() < 0.20:
        mention = rng.choice(MENTIONS)
        text, lead, _ = f"{mention} {text}", lead + len(mention) + 1, changes.append("mention")
    roll, before = rng.random(), len(text)
    if roll < 0.55:
        text, _ = f"RT @{parent_author}: {text}", changes.append("RT")
    elif roll < 0.60:
        text, _ = f"MT @{parent_author}: {text}", changes.append("MT")
    elif roll < 0.68:
        comment = rng.choice(QUOTE_COMMENTS)
        text = f'{comment} "@{parent_author}: {text}"' if rng.random() < 0.5 else f"{comment} RT @{parent_author}: {text}"
        changes.append("quote")
    lead += len(text) - before if not text.endswith('"') else len(text) - before - 1
    if rng.random() < 0.20:
        tags = " ".join(rng.sample(TAGS, rng.randint(1, 3)))
        if rng.random() < 0.8:
            text = f"{text} {tags}"
        else:
            text, lead = f"{tags} {text}", lead + len(tags) + 1
        changes.append("hashtags")
    if rng.random() < 0.15:
        text, _ = f"{text} {''.join(rng.choices(EMOJI, k=rng.randint(1, 3)))}", changes.append("emoji")
    if rng.random() < 0.10:
        text, _ = f"{text} {link(rng)}", changes.append("link")
    return text, lead, kept, changes


def shared_prefix(sentences: list[str]) -> dict[str, int]:
    """For each sentence, the longest start (case and accents aside) it shares with another one.

    A copy cut within that start could be a copy of either: it is ambiguous.
    """
    folded = sorted((strip_accents(sentence).casefold(), sentence) for sentence in sentences)
    longest = dict.fromkeys(sentences, 0)
    for (a, sa), (b, sb) in zip(folded, folded[1:]):
        common = len(os.path.commonprefix([a, b]))
        longest[sa], longest[sb] = max(longest[sa], common), max(longest[sb], common)
    return longest


def burst(rng: random.Random, start: float, spread: float) -> float:
    return min(HOUR - 0.001, start + rng.expovariate(1 / spread))


def generate(seed: int, count: int = 170_000, families: int = 200) -> list[Post]:
    """The session's posts in arrival order, each with its family and kind."""
    rng = random.Random(seed)
    offtopic_n = round(count * 0.29)
    spam_floods = 20
    spam_n = round(count * 0.02)
    family_n = round(count * 0.25)  # the largest family has thousands of copies, the 10th hundreds
    single_n = count - offtopic_n - spam_n - family_n
    posts: list[Post] = []
    authors = [f"user{n}" for n in range(60_000)]

    def author() -> str:
        return authors[min(int(rng.paretovariate(1.2)) - 1, len(authors) - 1) if rng.random() < 0.3 else rng.randrange(len(authors))]

    sentences = family_sentences(rng, families)
    ambiguous_below = shared_prefix([sentence for _, sentence, _ in sentences])
    order = list(range(families))
    rng.shuffle(order)  # near misses are not always the smaller family
    for rank, size in zip(order, zipf_sizes(families, family_n, 1.0)):
        fid, sentence, of = sentences[rank]
        kind = "near-miss" if of else "question"
        start, spread = rng.uniform(0, HOUR * 0.9), rng.uniform(60, 900)
        copies: list[tuple[str, int, int, str]] = [(sentence, 0, len(sentence), author())]  # text, lead, kept, author
        posts.append(Post("", copies[0][3], sentence, start, rng.randint(3, 40), fid, kind, ["original"], False, of))
        for _ in range(size - 1):
            parent = 0 if rng.random() < 0.7 else rng.randrange(len(copies))
            body, lead, kept, parent_author = copies[parent]
            text, lead, kept, changes = vary(rng, body, lead, kept, parent_author, retype=parent == 0)
            copies.append((text, lead, kept, author()))
            at = burst(rng, start, spread)
            votes = int(rng.paretovariate(2.0)) - 1
            posts.append(Post("", copies[-1][3], text, at, votes, fid, kind, changes, kept <= ambiguous_below[sentence], of))
    seen = {sentence for _, sentence, _ in sentences}
    while single_n:
        slots = {"opener": rng.choice(OPENERS), "a": rng.choice(NOUNS), "b": rng.choice(NOUNS), "people": rng.choice(PEOPLE)}
        text = rng.choice(SINGLE_TEMPLATES).format(**slots).strip()
        if slots["a"] == slots["b"] or text.casefold() in seen:
            continue
        seen.add(text.casefold())
        posts.append(Post("", author(), text, rng.uniform(0, HOUR), int(rng.paretovariate(1.5)) - 1, f"u{single_n}", "single"))
        single_n -= 1
    while offtopic_n:
        text = rng.choice(OFFTOPIC_TEMPLATES).format(
            greet=rng.choice(GREETS), name=rng.choice(NAMES), tag=rng.choice(TAGS), emoji=rng.choice(EMOJI),
            chat=f"{rng.choice(CHAT_A)} {rng.choice(CHAT_B)} {rng.choice(CHAT_C)} {rng.randrange(1000)}",
        )
        if text.casefold() in seen:
            continue
        seen.add(text.casefold())
        posts.append(Post("", author(), text, rng.uniform(0, HOUR), 0, f"o{offtopic_n}", "off-topic"))
        offtopic_n -= 1
    for flood in range(spam_floods):
        kind = rng.randrange(len(SPAM))
        text = SPAM[kind]
        start = rng.uniform(0, HOUR * 0.95)
        fixed = link(rng)
        for n in range(spam_n // spam_floods):
            body = text.format(link=fixed if rng.random() < 0.6 else link(rng))
            if rng.random() < 0.3:
                body += " " + rng.choice(TAGS)
            posts.append(Post("", f"spam{flood}x{n}", body, start + rng.uniform(0, 240), 0, f"s{kind}", "spam"))
    posts.sort(key=lambda post: post.at)
    for n, post in enumerate(posts):
        post.id = f"p{n}"
    return posts


def write(folder: Path, posts: list[Post]) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    posts_path, truth_path = folder / "posts.jsonl", folder / "truth.jsonl"
    with posts_path.open("w") as out, truth_path.open("w") as truth:
        for post in posts:
            out.write(json.dumps(post.record(), ensure_ascii=False) + "\n")
            truth.write(json.dumps(post.truth(), ensure_ascii=False) + "\n")
    return posts_path, truth_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.triage_corpus", description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--count", type=int, default=170_000)
    args = parser.parse_args(argv)
    posts = write(args.folder, generate(args.seed, args.count))
    print(f"wrote {posts[0]} and {posts[1]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
