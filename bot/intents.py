"""What a free-text question asks for: one classifier, one table of patterns, consulted before any ranking.

    classify("is the sequel better than the original?")   -> Route(Kind.SEQUEL)
    classify("is jaws good for kids?")                    -> Route(Kind.SUITABILITY)
    classify("which film has the best music?")            -> Route(Kind.RANKING, topic="music")
    classify("what's the scariest film you have?")        -> Route(Kind.RANKING, topic="scary")
    classify("something like Alien")                      -> Route(Kind.RECOMMEND, like="Alien")
    classify("a good horror film")                        -> Route(Kind.RECOMMEND, genre="horror")
    classify("who directed it?")                          -> Route(Kind.FACT, role=Role.DIRECTOR)
    classify("is it worth watching?")                     -> Route(Kind.VERDICT)
    classify("tell me about heat")                        -> Route(Kind.REVIEW)
    classify("what about the ending?")                    -> Route(Kind.TOPIC)

The patterns are tried in the order of `_RULES`; the first that matches decides. Words of feel and
audience ("scary", "funny", "long", "kids") come from `FEELS` and `AUDIENCES`, and a word the table
lacks counts as a feel when the word vectors put it near one ("terrifying" is near "scary").
Whether a question names a film is the engine's business (`bot.titles`): a route only says what kind
of answer the words ask for.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz.distance import OSA

from bot import lexicon
from bot.text import JUDGEMENTS, fold, words
from bot.vectors import WordVectors


class Kind(StrEnum):
    RECOMMEND = "recommend"  # films the reviews rate well: "recommend me something", "something like Alien"
    RANKING = "ranking"  # films ranked by the reviews' opinion on something: "which film has the best music?"
    SEQUEL = "sequel"  # how a sequel compares with the original
    FACT = "fact"  # who directed it, who plays the lead
    SUITABILITY = "suitability"  # good for kids? scary? funny? long?
    VERDICT = "verdict"  # worth watching? any good?
    REVIEW = "review"  # tell me about X
    TOPIC = "topic"  # anything else: what the reviews say about it


class Role(StrEnum):
    DIRECTOR = "director"
    CAST = "cast"
    WRITER = "writer"
    COMPOSER = "composer"


@dataclass(frozen=True, slots=True)
class Route:
    """What a question asks for; `topic` is the word ranked on ("music", "scary"), `worst` asks for the bottom."""

    kind: Kind
    topic: str = ""
    worst: bool = False
    like: str = ""  # "something like Alien": the title text after "like"
    genre: str = ""  # "a good horror film": the genre word, as the reviews would write it
    role: Role | None = None
    feel: bool = False  # the ranking's topic is how films feel ("the scariest"), not a part of them ("the music")
    named: bool = False  # a ranking only if the question names no film ("best ending?", not "best ending in jaws?")
    alone: bool = False  # nor talks of one: "best ending?" after talk of Jaws asks about Jaws ("scariest film?" never)


# Genre words as people say them -> the word the reviews use.
GENRES: dict[str, str] = {
    **dict.fromkeys("horror horrors".split(), "horror"),
    **dict.fromkeys("comedy comedies".split(), "comedy"),
    **dict.fromkeys("thriller thrillers".split(), "thriller"),
    **dict.fromkeys("drama dramas".split(), "drama"),
    **dict.fromkeys("romance romances romantic".split(), "romance"),
    **dict.fromkeys("western westerns".split(), "western"),
    **dict.fromkeys("scifi sci-fi sf".split(), "science fiction"),
    **dict.fromkeys("action".split(), "action"),
    **dict.fromkeys("animated animation cartoon cartoons".split(), "animated"),
    **dict.fromkeys("documentary documentaries".split(), "documentary"),
    **dict.fromkeys("musical musicals".split(), "musical"),
    **dict.fromkeys("war".split(), "war"),
    **dict.fromkeys("crime gangster".split(), "crime"),
    **dict.fromkeys("fantasy".split(), "fantasy"),
    **dict.fromkeys("mystery mysteries whodunit".split(), "mystery"),
    **dict.fromkeys("family kids".split(), "family"),
    **dict.fromkeys("superhero".split(), "superhero"),
    **dict.fromkeys("noir".split(), "noir"),
    **dict.fromkeys("spy".split(), "spy"),
    **dict.fromkeys("disaster".split(), "disaster"),
    **dict.fromkeys("adventure adventures".split(), "adventure"),
}
# The words reviews name a genre by, where they are not the genre's own word.
GENRE_WORDS: dict[str, tuple[str, ...]] = {
    "science fiction": ("sci", "scifi"),
    "animated": ("animated", "animation", "cartoon"),
    "romance": ("romance", "romantic"),
    "family": ("family",),
}


def genre_words(genre: str) -> tuple[str, ...]:
    """The words whose sentences name `genre` (a value of `GENRES`)."""
    return GENRE_WORDS.get(genre, (genre,))


# How a film feels, as people ask it ("is it scary?"); a near word by the vectors counts too.
FEELS = frozenset(
    "scary frightening creepy terrifying funny hilarious sad long short violent gory bloody romantic boring slow "
    "dark disturbing depressing exciting suspenseful tense emotional moving confusing intense cheesy predictable "
    "gripping touching heartwarming silly weird strange spooky graphic explicit upsetting uplifting fun".split()
)
AUDIENCES = frozenset(
    "kids kid children child family families teens teen teenagers teenager toddlers toddler young younger "
    "date adults son daughter".split()
)
FEEL_NEAR = 0.7  # cosine at which a word the table lacks reads as a feel ("terrifying" / "scary")
# What a review says when it speaks to a feel or an audience: the words an answer must have. The word vectors
# relate "scary" to "funny" and "weird" as much as to "frightening", so a feel's answers come from its family.
FAMILIES: dict[str, frozenset[str]] = {
    name: frozenset(words.split())
    for name, words in {
        "kids": "kid kids child children childhood family families young youngsters youngster teen teens teenage "
        "teenagers parent parents toddler toddlers baby babies boys girls son sons daughter daughters school",
        "scary": "scary scarier scariest scare scares scared frightening frighten frightened terrifying terrify "
        "terrified terror horror horrifying horrific creepy eerie spooky chilling chills scream screams fear afraid "
        "dread nightmare nightmares shock shocking jump scaring frightens terrifies horrified creepier creepiest "
        "screamed",
        "funny": "funny funnier funniest hilarious hilariously humor humour humorous comedy comedic comedies laugh "
        "laughs laughing laughter joke jokes wit witty amusing gag gags chuckle chuckles laughed chuckled giggle "
        "giggles amused",
        "long": "long longer longest length lengthy hour hours minute minutes runtime overlong drag drags dragged "
        "padded tedious brisk short",
        "sad": "sad sadder saddest sadness tears tearjerker weep weeping cry crying heartbreaking depressing moving "
        "melancholy tragic tragedy grief",
        "violent": "violent violence gory gore bloody blood brutal brutality graphic gruesome killing killings torture",
        "romantic": "romantic romance love lovers kiss kisses passion passionate",
        "boring": "boring bored dull tedious slow sluggish drags dragged yawn",
    }.items()
}
_FAMILY_OF = {w: name for name, words in FAMILIES.items() for w in words if w in FEELS or w in AUDIENCES}
_FAMILY_OF.update({"children": "kids", "child": "kids", "kid": "kids", "family": "kids", "families": "kids",
                   "teens": "kids", "teen": "kids", "teenagers": "kids", "teenager": "kids", "young": "kids",
                   "younger": "kids", "toddlers": "kids", "toddler": "kids", "son": "kids", "daughter": "kids",
                   "frightening": "scary", "creepy": "scary", "terrifying": "scary", "spooky": "scary",
                   "hilarious": "funny", "fun": "funny", "short": "long", "gory": "violent", "bloody": "violent",
                   "slow": "boring", "depressing": "sad", "moving": "sad"})  # fmt: skip
# Words a question asks a feel or an audience with, though no feel word is in it: "any laughs?", "will it give me
# nightmares?", "what's the runtime?", "does it drag?".
FEEL_CUES: dict[str, str] = {
    **dict.fromkeys("laugh laughs laughing laughter jokes joke comedy comedic humor humour".split(), "funny"),
    **dict.fromkeys("nightmares nightmare scares scare scared jumpscares frighten".split(), "scary"),
    **dict.fromkeys("runtime hours minutes length drag drags lengthy overlong".split(), "long"),
    **dict.fromkeys("gore violence blood".split(), "violent"),
    **dict.fromkeys("cry tears weep".split(), "sad"),
}
_FAMILY_OF.update(FEEL_CUES)
# Sayings that ask a feel with none of its words: "will it keep me up at night?", "how much time do I need for it?".
_FEEL_SAYINGS = (
    (re.compile(r"\bkeep (?:me|you|us|them) (?:up|awake) at night\b|\bscaredy\b", re.I), "scary"),
    (
        re.compile(r"\bhow much time\b|\bsit through\b|\brunning time\b|\boverstays? (?:its|their) welcome\b", re.I),
        "long",
    ),
    (re.compile(r"\bfreak (?:me|you|us|them|him|her) out\b", re.I), "scary"),
)
# Superlatives of quality, not of a feel, and whether each asks for the bottom ("weakest cast").
_QUALITY = {"best": False, "greatest": False, "finest": False, "top": False, "strongest": False, "worst": True,
            "weakest": True, "poorest": True}  # fmt: skip
_NOT_SUPERLATIVES = frozenset(
    "interest honest forest guest quest contest request test west rest nest chest manifest protest latest "
    "suggest digest modest arrest invest harvest pest vest zest earnest lowest".split()
)
_VALENCE = frozenset("good bad great nice ok okay fine decent awesome amazing excellent terrible awful".split())
# Words after a superlative that are not what is ranked on ("the best film you have", "the best film ever").
_FILLER = frozenset(
    "the a an of in on for to at you i we me us have has got here there ever all time around about with this that "
    "it its your my our so far one ones yet seen watched made".split()
)
_GENRE_ALTERNATIVES = "|".join(sorted((re.escape(g) for g in GENRES), key=len, reverse=True))
_FILM = r"(?:films?|movies?|flicks?|pictures?|ones?)"


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


_THANKS = r"(?:[\s,]+(?:pls|plz|please|thanks|thx|ty|lol))*"
_LIKE = _rx(
    r"\b(?:something|anything(?: else)?|films?|movies?|ones?|more|others?|what else(?: is)?)\s+(?:like|similar to)\s+"
    rf"(?P<like>.+?){_THANKS}[?.!]*$"
    r"|(?:\b(?:in the same vein as|in the (?:spirit|vein|mould|mold) of|along the lines of|"
    r"(?:films?|movies?|anything|something|what'?s|whats)\s+similar to)|^\W*similar to)"
    rf"\s+(?P<vein>.+?){_THANKS}[?.!]*$"
    r"|\b(?:i|we)\s+(?:really\s+)?(?:loved|liked|enjoyed|love|like|dug)\s+(?P<loved>.+?)[,;.]?\s+(?:so\s+)?"
    r"(?:what|anything|any|which|got|give)\b.*\b(?:else|similar|next|more|watch|see)\b"
    r"|\b(?:watch|see|recommend|suggest|try)\b.*\bif\s+(?:i|we)\s+(?:really\s+)?(?:loved|liked|enjoyed|dug|love|like|"
    rf"enjoy)\s+(?P<given>.+?){_THANKS}[?.!]*$"
)
_SIMILAR = _rx(r"\b(?:similar to|like)\s+(?P<like>.+?)[?.!]*$")
_RECOMMEND = _rx(
    r"\b(?:recommend|suggest)\s+(?:me|us|something|anything|a\b|an\b|some|any|films?|movies?|one|what)"
    r"|^\W*(?:recommend|suggest)\W*(?:me|something|anything|please)?\W*$"
    r"|\bwhat (?:should|can|could|shall) (?:i|we) (?:watch|see)\b|\bwhat to watch\b|\bsomething (?:good )?to watch\b"
    r"|\b(?:give|show) me (?:a|some|something)\b.*\b(?:films?|movies?|watch)\b|\bany (?:recommendations|suggestions)\b"
    r"|\bwhat (?:would|do|can|could|should) you (?:recommend|suggest)\b|\b(?:top|your) picks\b"
    r"|\bpick (?:me )?(?:a|one|something)\b|\b(?:a|any)\s+(?:film|movie)?\s*recs?\b"
    r"|\bany (?:good |great )?(?:films|movies)\b(?!\s+(?:with|where))"
    r"|\banything (?:good |worth (?:watching|seeing) )?(?:to watch|on|worth (?:watching|seeing))\b|\bany ideas\b"
    r"|\bwhat should (?:i|we) watch next\b|\bwhat(?:'s| is) a good (?:film|movie)\b"
    r"|\b(?:got|have you got|any|a) (?:good )?(?:recommendations?|suggestions?)\b|^\W*what'?s good\W*$"
)
_GENRE = _rx(
    rf"\b(?:a|an|some|any|good|great|decent|fun|nice|best|top|favourite|favorite|recommend)\s+(?:good\s+|great\s+)?"
    rf"(?P<genre>{_GENRE_ALTERNATIVES})(?:\s+{_FILM})?\b"
)
_RANK_WHICH = _rx(
    rf"\b(?:which|what)(?:'s|’s|\s+is|\s+are|\s+was)?\s+(?:the\s+|your\s+)?{_FILM}\b"
    rf"|\b{_FILM}\s+(?:with|has|have)\s+the\s+(?:best|worst|most|least)\b"
)
_RANK_THE = _rx(rf"\bthe\s+(?:(?:most|least)\s+(?P<adj>[a-z]+)|(?P<sup>[a-z]+))\s+{_FILM}\b")
_RANK_SUP = _rx(r"\b(?:the\s+)?(?:(?P<mode>best|worst|greatest|finest|most|least)\s+(?P<what>[a-z][a-z\s-]*)|"
                r"(?P<sup>[a-z]+est))\b")  # fmt: skip
_COMPARES = (
    r"(?:better|worse|as good|compare[sd]?|comparison|stack(?:s)? up|measures? up|lives? up|holds? up|improves?|"
    r"improvement|improved|beats?|beaten|tops?|topped|outdo(?:es)?|outdone|surpass(?:es)?|superior|inferior|"
    r"vs|versus|next to|matche?s? up|(?!(?:rath|oth|aft|ev|nev|wheth|rememb)er\b)[a-z]+er than|"
    r"(?:more|less) [a-z]+ than|as [a-z]+ as|step (?:up|down)|upgrade|downgrade|letdown|let down|rates? against|"
    r"do(?:es)? (?:\w+ )?justice)"
)
_ORIGINAL = (
    r"(?:original|first(?:\s+(?:one|film|movie|part|installment|instalment))?|predecessor|earlier (?:one|film|movie)|"
    r"last one|part (?:1|one|i)|1st (?:one|film|movie)|what came before|the one before)"
)
_SEQUEL = _rx(
    rf"\b{_COMPARES}\b.*\b{_ORIGINAL}\b|\b{_ORIGINAL}\b.*\b{_COMPARES}\b"
    r"|\bhow does (?:it|the sequel|this one) compare\b|\bworthy (?:sequel|follow[- ]?up|successor)\b"
    rf"|\b(?:sequel|follow[- ]?up)\b.*\b{_COMPARES}\b|\b{_COMPARES}\b.*\b(?:sequel|follow[- ]?up)\b"
    r"|\b(?:first|1st|original)(?: one| film| movie)? or (?:the )?(?:second|2nd|sequel|next)\b"
    r"|\b(?:second|2nd|sequel)(?: one| film| movie)? or (?:the )?(?:first|1st|original)\b"
)
# A title and a role noun, no question word: "Alien director?", "Heat cast?" ("how is the cast?" asks an opinion).
_NAMING = r"^(?!\W*(?:how|what|whats|was|is|are|were|did|does|do)\b)(?!\W*(?:the|its|and)?\s*\w+\W*$).*\b"
_FACTS: tuple[tuple[re.Pattern[str], Role], ...] = (
    (_rx(r"\bwho\s+(?:directed|directs|direct|helmed|made|filmed)\b|\b(?:who|name|which|whose)\b.*\bdirector\b"
         r"|^\W*(?:who|whos|who's|whose)\b.*\b(?:directors?|directed|helmed|filmmakers?)\b|^\W*what director\b"
         r"|^\W*(?:the\s+|and\s+(?:the\s+)?)?director of\b"
         r"|\bdirected by whom\b|\bbehind the camera\b|" + _NAMING + r"director\W*$"), Role.DIRECTOR),
    (_rx(r"\bwho\s+(?:composed|scored|did the (?:music|score|soundtrack)|wrote the (?:music|score|songs))\b"
         r"|\bwho\b.*\bcomposer\b"), Role.COMPOSER),
    (_rx(r"\bwho\s+(?:wrote|writes|penned|scripted)\b|\bwho\b.*\b(?:writer|screenwriter)\b"), Role.WRITER),
    (_rx(r"\bwho\s+(?:plays|played|stars|starred|acts|acted|is in|was in|are in|were in|appears)\b"
         r"|\bwho(?:'s|’s|\s+is|\s+was|\s+are)\s+(?:in it|in the cast|the (?:lead|star|hero|heroine|villain|main))"
         r"|\b(?:who|whos|which actors?)\b.*\b(?:cast|lead|actor|actress|stars?|starring|headlin(?:es|ed|ing))\b"
         r"|\bwho(?:'s|’s|\s+is|\s+was|\s+are|\s+were)\s+in\b|\bwhich (?:actor|actress|star)s?\b"
         r"|\b(?:main|lead|leading) (?:actor|actress|star|character|role)\b"
         r"|^\W*(?:the\s+)?(?:main\s+|lead\s+)?star of\b|" + _NAMING + r"cast\W*$"
         r"|\bwho\s+(?:is|was)\s+(?:the\s+)?(?:main|lead)\b"), Role.CAST),
)  # fmt: skip
_AUDIENCE = _rx(
    r"\b(?P<fit>good|ok|okay|suitable|appropriate|safe|fine|alright|right|great|fun|ideal|too \w+|watchable)\s+"
    r"(?:for|to watch with|to show)\s+(?:(?:my|the|our|a|young|younger|small|little)\s+){0,2}"
    r"(?P<who>\w+)\b|\b(?:family|kid|child)[- ]friendly\b|\bfor the (?:whole )?family\b"
)
_FEEL_IS = _rx(r"^\W*(?:is|was|are|isn'?t|wasn'?t)\b(?P<rest>.+?)[?.!]*$")
_FEEL_HOW = _rx(r"^\W*how\s+(?P<feel>[a-z]+)\s+(?:is|was|are)\b")
# A judgement of the film as a whole, not of it for someone or at something ("is it good for kids?").
_NOT_FOR = r"(?!\s+(?:for|at|with|to|in|on)\b)"
_VERDICT = _rx(
    r"\b(?:any good|worth (?:it|watching|seeing|a watch|the time|a look)|should i (?:watch|see)|verdict|"
    r"(?:would|do|did) (?:you|they|the reviewers?) recommend|recommend(?:ed)? (?:it|this|that)\b|is it good|"
    r"is (?:it|this|that) (?:a )?good (?:film|movie|one)|did (?:you|they|the reviewers?) like|good or bad|thumbs|"
    r"worth (?:my|your|our) (?:time|money|while)|should (?:i|we) (?:bother|skip)|skip it|must[- ]see|yay or nay|"
    r"how good (?:is|was)|would (?:i|we) (?:like|enjoy)|did (?:the )?(?:critics|reviewers|people) (?:like|love|enjoy)|"
    r"good or not|hit or miss|^\W*rate|any cop|give (?:it|this|that|.+?) a (?:go|try|shot|chance)|worth a (?:go|try)|"
    r"(?:do|does) (?:people|critics|reviewers|folks|anyone) (?:like|love|rate|enjoy)|consensus|"
    r"(?:is|was) .+ recommended|(?:is|was) (?:it|this|that) (?:any good|(?:a |an )?(?:(?:really|very|actually) )?"
    rf"(?:{'|'.join(sorted(JUDGEMENTS))}))\b{_NOT_FOR}|thoughts on|(?:think|feel) (?:of|about) (?:it|this|that)"
    r"(?=\W*$)|(?:do|did) you (?:like|love|enjoy)|^\W*how was (?:it|this|that)(?=\W*$)|"
    rf"(?:say|think|reckon|consider|call) (?:it|this|that)(?:'s|s| is| was)? (?:a )?good\b{_NOT_FOR})\b"
)
_REVIEW = _rx(r"^\W*(?:review( of)?|tell me about|what about|how about|summari[sz]e)\b")
_ABOUT = _rx(r"^\W*(?:what|how) about\b")  # "what about the ending?" asks about a topic; "what about heat?" a film
_YES_NO = _rx(r"^\W*(?:is|was|isn'?t|wasn'?t)\s+(?:it|this|that)\b")
_ASKING = _rx(
    r"^\W*((how|what|which)('s|\s+(is|are|was|were|about|did|do|does|would|should|could))|is|are|was|were|do|does|did"
    r"|should|would|could|can)\b"
)


def _base(word: str, vectors: WordVectors | None) -> str:
    """The adjective a superlative is made of: "scariest" -> "scary", "saddest" -> "sad", "longest" -> "long"."""
    if word in _QUALITY or not word.endswith("est") or word in _NOT_SUPERLATIVES or len(word) < 5:
        return ""
    stem = word[:-3]
    forms = [stem[:-1] + "y" if stem.endswith("i") else "", stem + "e", stem]
    if len(stem) > 2 and stem[-1] == stem[-2]:
        forms.insert(0, stem[:-1])
    forms = [f for f in forms if len(f) > 2]
    if vectors is None:
        return forms[0] if forms else ""
    known = [f for f in forms if f in vectors]
    return min(known, key=vectors.index.__getitem__) if known else ""  # the commonest: "long", not "longe"


def feel_of(word: str, vectors: WordVectors | None = None) -> bool:
    """Whether `word` says how a film feels: in `FEELS`, or near one of them by the word vectors."""
    if word in FEELS:
        return True
    if vectors is None or word not in vectors:
        return False
    return any(vectors.similarity(word, f) >= FEEL_NEAR for f in FEELS)


def family(text: str, vectors: WordVectors | None = None) -> frozenset[str]:
    """The words an answer about how a film feels must have ("is it scary?": scary, frightening, creepy ...)."""
    out: set[str] = set()
    for w in re.findall(r"[a-z]+", text.lower()):
        name = _FAMILY_OF.get(w) or _FAMILY_OF.get(_base(w, vectors))
        if name is None and vectors is not None and w in vectors and w not in _VALENCE and len(w) > 3:
            near = [(vectors.similarity(w, f), f) for f in FEELS if f in _FAMILY_OF]
            score, feel = max(near, default=(0.0, ""))  # the nearest feel, not the first a set happens to yield
            name = _FAMILY_OF[feel] if score >= FEEL_NEAR else None
        if name is not None:
            out |= FAMILIES[name] | {w}
    for saying, name in _FEEL_SAYINGS:
        if saying.search(text):
            out |= FAMILIES[name]
    return frozenset(out)


def plainly_asks(text: str, names_aspect: bool) -> bool:
    """Whether `text` is worded as a question about a film rather than as a title."""
    return bool(_REVIEW.search(text) or _VERDICT.search(text) or (names_aspect and _ASKING.match(text)))


def asks_verdict(text: str) -> bool:
    return bool(_VERDICT.search(text))


def past_verdict(text: str) -> str:
    """`text` without the words that ask for a verdict: "is it worth a look?" asks nothing about the look."""
    return _VERDICT.sub(" ", text)


_IS = _rx(r"^\s*(?:is|was|are|were)\s+")
# A thing a question names once the words that ask for a verdict are left out: "the ending", "its soundtrack".
_THING = _rx(r"\b(?:the|its|their|his|her)\s+([a-z][a-z' -]*?)\s*[?.!]*$")


def verdict_subject(text: str) -> str:
    """What a verdict question asks about: "is jaws any good?" -> "jaws"."""
    return _IS.sub("", past_verdict(text)).strip(" ?!.")


def verdict_thing(rest: str) -> str:
    """The thing a verdict question names at its end, given what is left of it past the verdict words and
    the title (`past_verdict`): "how good is the shoot-out?" -> "shoot-out"."""
    m = _THING.search(rest)
    return m.group(1) if m else ""


def asks_review(text: str) -> bool:
    return bool(_REVIEW.search(text))


def asks_about(text: str) -> bool:
    """ "what about …" / "how about …": a film when only a title follows, else a topic."""
    return bool(_ABOUT.search(text))


def _ranking(text: str, vectors: WordVectors | None) -> Route | None:
    if _YES_NO.match(text):
        return None  # "is it the best film ever?" asks about one film
    which = _RANK_WHICH.search(text)
    the = _RANK_THE.search(text)
    if not which and not the:
        return None
    topic, worst, feel = "", False, False
    if the and (adj := the.group("adj")):
        topic, worst, feel = adj, the.group(0).lower().startswith("the least"), True
    elif the and (sup := the.group("sup").lower()) in ("best", "worst", "greatest", "finest", "top"):
        worst = sup == "worst"
    elif the and (base := _base(the.group("sup").lower(), vectors)):
        topic, feel = base, True
    elif not which:
        return None
    if not topic:
        for m in _RANK_SUP.finditer(text):
            mode = (m.group("mode") or "").lower()
            if mode:
                rest = [w for w in m.group("what").lower().split() if w not in _FILLER]
                rest = [w for w in rest if not re.fullmatch(_FILM, w)][:3]
                worst, feel = mode in ("worst", "least"), mode in ("most", "least")
                nouns = [w for w in rest[1:] if w not in GENRES]
                if feel and nouns:  # "the most impressive special effects" ranks on the effects
                    rest, feel = nouns, False
                topic = " ".join(rest[:1] if feel else rest)
                if topic or mode in ("best", "worst"):
                    break
            elif base := _base(m.group("sup").lower(), vectors):
                topic, feel = base, True
                break
    if which and not topic and not re.search(r"\b(?:best|worst|greatest|finest|top)\b", text, re.I):
        return None  # "which film is it?" ranks nothing
    return Route(Kind.RANKING, topic=topic, worst=worst, feel=feel)


# A verb or participle ranked on, as the noun or feel the reviews write: "best acted" ranks the acting.
_TOPIC_FORMS = {"acted": ("acting", False), "looking": ("look", False), "looks": ("look", False),
                "laugh": ("funny", True), "laughs": ("funny", True), "scare": ("scary", True),
                "scares": ("scary", True), "sounds": ("sound", False)}  # fmt: skip
_ASKS = frozenset("which what whats is are was has have does do did will would film can could should".split())


_FILM_WORDS = frozenset("film films movie movies flick flicks picture pictures one ones".split())
_CORPUS_TAIL = _rx(r"\b(?:of (?:all )?(?:the |your |these )?(?:films|movies|ones)|you(?:'ve| have| got)|on here|"
                   r"here|in (?:your|the) (?:list|collection|library|corpus|catalogue|catalog))\b")  # fmt: skip
_LINK = frozenset("for in on of with at about when".split())
_PRONOUNS = frozenset("it this that its these those".split())
_NOT_TOPIC = _FILLER | _FILM_WORDS | _LINK  # words around a superlative that are not what it ranks on


def _superlative(text: str, vectors: WordVectors | None) -> Route | None:
    """A ranking the patterns of `_ranking` miss, read word by word: a superlative ("best", "worst", "scariest",
    "most beautiful") with what it ranks on, next to a film word or a "which", or alone ("best soundtrack?").
    A bare one (no film word, no "which") may still be about one film the question names: `named` is set so the
    engine looks for a title first ("best scene in jaws?")."""
    toks = re.findall(r"[a-z]+", re.sub(r"['’]s\b", "", text.lower()))
    at = next((i for i, w in enumerate(toks) if w in _QUALITY or w in ("most", "least") or _base(w, vectors)), None)
    if at is None or any(w in _PRONOUNS for w in toks):
        return None  # "what's the best part of it?" is about one film
    sup, topic, feel = toks[at], "", False
    worst = _QUALITY.get(sup, sup == "least")
    after = toks[at + 1 :]
    content = [w for w in after if w not in _NOT_TOPIC]
    if sup in ("most", "least") and after and after[0] not in _FILLER | _FILM_WORDS:
        nxt = after[1:2]
        if nxt and nxt[0] not in _NOT_TOPIC:  # "the most impressive special effects" ranks on the effects
            topic = " ".join(w for w in after[1:4] if w not in _NOT_TOPIC)
            worst = False
        else:
            topic, feel = after[0], True  # "the most terrifying movie"
    elif base := _base(sup, vectors):
        topic, feel = base, True
    elif sup in ("most", "least") or not content or after[0] in _FILM_WORDS:
        # "which movie looks the best", "make me laugh the most", "top movie for acting"
        if after and after[0] in _FILM_WORDS and (link := [i for i, w in enumerate(after) if w in _LINK]):
            topic = " ".join(w for w in after[link[0] + 1 :] if w not in _FILLER | _FILM_WORDS)[:40]
        if not topic:
            before = [w for w in toks[:at] if w not in _NOT_TOPIC and w not in _ASKS]
            topic = before[-1] if before else ""
            feel = sup in ("most", "least") and bool(topic)
    else:
        topic = " ".join(content[:3])
    if topic in GENRES or topic in _ASKS:
        topic = ""
    topic, feel = _TOPIC_FORMS.get(topic, (topic, feel))
    which = any(w in ("which", "what", "whats") for w in toks[:at])
    film_word = any(w in _FILM_WORDS or w in GENRES for w in toks) or bool(_CORPUS_TAIL.search(text))
    if not (which and film_word) and len([w for w in toks if w not in _FILLER]) > 4:
        return None
    if which and not film_word:
        return None  # "what's the best scene in jaws?" asks about one film
    return Route(Kind.RANKING, topic=topic, worst=worst, feel=feel, named=not (which and film_word),
                 alone=not (which or film_word))  # fmt: skip


# Asking for a pick in other words: "any film you'd recommend?", "what's a must-watch here?", "what should i put on
# this evening?". Such a question is one only when nothing else is in it: "would you recommend jaws?" asks of Jaws.
_PICK_CUES = frozenset(
    "recommend recommends recommended recommendation recommendations suggest suggestion suggestions rec recs".split()
)
_VIEW = frozenset("watch see put".split())  # after "should i": "what should i put on", "which film should i see"
_REQUEST = frozenset(
    "whats which what any anything something some else next here tonight today evening weekend night now later "
    "please youd youre id d s ll would good great decent must should could can shall might".split()
)


def _asks_for_a_pick(text: str) -> bool:
    """Whether a question asks for a film to watch, and for nothing else: a cue ("recommend", "suggestions", "a
    must-watch", "should i watch") and only asking words, film nouns and times besides."""
    tokens = words(text)
    viewing = any(
        t in _VIEW and tokens[i - 1] in ("i", "we") and i > 1 and tokens[i - 2] in ("should", "could", "shall", "can")
        for i, t in enumerate(tokens)
    )
    must = any(t == "must" and i + 1 < len(tokens) and tokens[i + 1] in _VIEW for i, t in enumerate(tokens))
    if not (_PICK_CUES.intersection(tokens) or viewing or must):
        return False
    if "it" in tokens or any(t in ("this", "that") and (i + 1 == len(tokens) or tokens[i + 1] in _FILM_WORDS)
                             for i, t in enumerate(tokens)):  # fmt: skip
        return False  # "do you recommend it?", "should i watch this film?": a verdict on the film talked of
    rest = set(tokens) - _PICK_CUES - _VIEW - _REQUEST - _FILLER - _ASKS - _FILM_WORDS
    return not rest


def _genre(text: str) -> str:
    m = _GENRE.search(text)
    if m is None:
        return ""
    word = m.group("genre").lower()
    if word in ("family", "kids") and not re.search(rf"\b{word}\s+{_FILM}\b", text, re.I):
        return ""  # "good for the family" is who a film is for, not a genre
    if word == "action" and not re.search(rf"\baction\s+{_FILM}\b", text, re.I):
        return ""
    return GENRES[word]


_AGE = _rx(
    r"\b(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    r"seventeen|eighteen)[\s-]*(?:yo|y/o|yrs?\s*old|years?[- ]olds?|year olds?)\b"
)
_WITH = _rx(
    r"\b(?:can|could|should|may)\s+(?:(?:my|the|our|a)\s+)?(?:[\w'’]+\s+){0,2}(?:kids?|children|son|daughter|teens?|family|"
    r"toddlers?)\s+(?:watch|see)\b|\bwatch\b.*\bwith\s+(?:my|the|our)\s+(?:\w+\s+)?(?:kids?|children|son|"
    r"daughter|family|teens?|parents|grandparents|mum|mom|dad|toddlers?)\b|\b(?:a\s+)?(?:family|kids|children'?s)"
    r"\s+(?:film|movie|flick)\b|\bto watch alone\b"
    r"|\b(?:show|take|bring)\b.*\bto\s+(?:my|the|our)\s+(?:\w+\s+)?(?:kids?|children|son|daughter|teens?|family|"
    r"class|students|toddlers?)\b"
    r"|\b(?:take|bring)\s+(?:my|the|our)\s+(?:\w+\s+)?(?:kids?|children|son|daughter|teens?|family|class|toddlers?)\s+to\b"
)
_ASKED = _rx(
    r"^\W*(?:is|was|are|isn'?t|does|did|do|will|would|can|could|should|how|any|what'?s|whats|what is)\b|\?\s*$"
)

# How long a film is, not how long a part of it lasts ("how long did the dialogue last?").
_LENGTH = _rx(
    r"\bhow long\b(?!\s+(?:is|was|are|were|does|did|do)\s+the\s+(?!film|movie|runtime|running)\w+)"
    r"|\b(?:too|enough)\s+(?:long|short)\b|\b(?:long|short)\s+(?:one|enough)\b"
)


# Words after a feel that leave it the question's last say: "is it a long watch?", "is it creepy at all?".
_AFTER_FEEL = frozenset(
    "watch film movie one flick ride sit at all really though tho then overall honestly enough".split()
)


def _suitability(text: str, vectors: WordVectors | None) -> bool:
    if _AGE.search(text) or _WITH.search(text) or any(saying.search(text) for saying, _ in _FEEL_SAYINGS):
        return True
    if _ASKED.search(text) and not _VERDICT.search(text):
        said = re.findall(r"[a-z]+", text.lower())
        if any(w in FEEL_CUES for w in said) or (
            _FEEL_IS.match(text) is None and any(w in FEELS and w not in ("fun", "long", "short") for w in said)
        ):
            return True  # "any laughs in it?", "will it give me nightmares?", "how creepy is it?"
        if _LENGTH.search(text):
            return True  # "how long does it run?", "is it short enough for a weeknight?"
    if (m := _AUDIENCE.search(text)) is not None:
        who, fit = m.groupdict().get("who"), m.groupdict().get("fit") or ""
        # "for the little ones"; "too intense for a scaredy cat" asks how intense, whoever for
        too = fit.startswith("too ") and feel_of(fit[4:].lower(), vectors)
        return who is None or fold(who) in AUDIENCES or (fold(who) == "ones" and "little" in text.lower()) or too
    if (m := _FEEL_HOW.match(text)) is not None:  # "how scary is it?"; "how good is it?" asks for the verdict
        return m.group("feel").lower() not in _VALENCE and feel_of(m.group("feel").lower(), vectors)
    return bool(asked_feel(text, vectors)) and not _VERDICT.search(text)


def asked_feel(text: str, vectors: WordVectors | None = None) -> str:
    """The feel an "is it ...?" question ends on ("is the sure thing amusing?": amusing), or ""."""
    if (m := _FEEL_IS.match(text)) is None:
        return ""
    said = re.findall(r"[a-z]+", m.group("rest").lower())
    while len(said) > 1 and said[-1] in _AFTER_FEEL:  # "is it a long watch?", "is it creepy at all?"
        said.pop()
    last = said[-1] if said else ""
    return last if last and last not in _VALENCE and feel_of(last, vectors) else ""


# The words a route's own patterns are made of: never a title's, so title search looks past them
# ("who directed jaws?" names Jaws, not a film called "Directed Jaws").
_SEQUEL_WORDS = (
    "better worse compare compares compared comparison stack stacks measure measures improve improves improvement "
    "improved beat beats beaten top tops topped outdo outdoes outdone surpass surpasses superior inferior vs versus"
)
_FACT_WORDS = (
    "directed direct directs director helmed composed scored composer wrote write writes writer screenwriter penned "
    "scripted plays played stars starred star starring acts acted appears lead leads cast hero heroine villain actor "
    "actors actress main character behind camera role leading name which filmed filmmaker filmmakers "
    "headlines headlined headlining"
)
_SUITABILITY_WORDS = (
    "good ok okay suitable appropriate safe fine alright ideal watchable friendly too enough one give make me alone "
    "watch year years old yo weeknight freak out overstay overstays welcome running time take bring"
)
_VERDICT_WORDS = (
    "worth watching seeing look skip bother give go try shot chance cop thumbs recommend recommended consensus good "
    "bad must see rated"
)
_OWN_WORDS = {
    Kind.SEQUEL: frozenset(_SEQUEL_WORDS.split()) | {"original", "first", "one", "part", "predecessor"},
    Kind.FACT: frozenset(_FACT_WORDS.split()),
    Kind.SUITABILITY: FEELS | AUDIENCES | frozenset(FEEL_CUES) | frozenset(_SUITABILITY_WORDS.split()),
    Kind.VERDICT: frozenset(_VERDICT_WORDS.split()),
}


# The words the patterns above are made of, which a typo should not hide from them ("is it scarry?", "better than
# the orignal?", "is it wroth watching?"): `heal` puts them back.
_CUES = frozenset(
    w
    for w in (
        FEELS | AUDIENCES | frozenset().union(*FAMILIES.values()) | frozenset(GENRES)
        | frozenset(
            f"{_SEQUEL_WORDS} {_FACT_WORDS} {_SUITABILITY_WORDS} original originals sequel sequels prequel predecessor "
            "first recommend recommendation recommendations suggest suggestion suggestions worth watching watch "
            "should would could review reviews reviewer verdict movie movies film films something anything".split()
        )
    )
    if len(w) >= 4 and w.isalpha()
)  # fmt: skip


def heal(text: str, known: Callable[[str], bool]) -> str:
    """`text` with each word that is no word (`known` is False: not English, not a title's) but one edit from
    a word of the patterns spelt as that word: "is it scarry?" -> "is it scary?"."""

    def fix(m: re.Match[str]) -> str:
        typed = m.group(0)
        w = typed.lower()
        if len(w) < 4 or w in _CUES or known(w):
            return typed
        near = [c for c in _CUES if abs(len(c) - len(w)) <= 1 and OSA.distance(w, c, score_cutoff=1) <= 1]
        if not near:
            return typed
        # the likeliest: letters swapped ("wroth": worth, not wrote), else the commonest word
        best = min(near, key=lambda c: (sorted(c) != sorted(w), lexicon.rank(c) or 10**9, c))
        return best.capitalize() if typed[0].isupper() else best

    return re.sub(r"[A-Za-z]+", fix, text)


# Words of chat, not of a question about films: a member talking to the room or to the bot ("oops", "wait
# what", "ok but why", "ugh wrong button"). A question made only of these (and stopwords) is not understood.
_CHAT = frozenset(
    "ok okay oops oopsie huh hm hmm hmmm ugh ah ahh oh ohh uh um umm er wait what why lol lmao haha hahaha wow "
    "whoa yeah yea yes yep no nope nah sorry nevermind nvm mind wrong button typo mistake meant mean again called "
    "ignore that this it so but and or then well right sure cool nice thanks thank thx ty k kk hey hi hello yo "
    "sup test testing one never good morning afternoon evening night bye goodbye cya later see you soon there "
    "cheers".split()
)


def chatter(tokens: list[str]) -> bool:
    """Whether a question's folded words are all chat ("oops", "wait what", "hmmmm"): no question about a film."""
    return bool(tokens) and all(w in _CHAT or re.sub(r"(.)\1{2,}", r"\1\1", w) in _CHAT for w in tokens)


# Words that make a question naming no film one about films all the same ("which reviews mention car chases?").
_SCREEN = _FILM_WORDS - {"one", "ones"} | frozenset(
    "cinema screen scene scenes review reviews reviewed reviewer reviewers critic critics mention mentions mentioned "
    "talk talks say says said discuss discusses watch watching watched actor actors actress actresses cast director "
    "directors character characters plot story stories ending sequel sequels genre".split()
)
# Verbs that start a command to a device, not a question about films ("turn off the lights", "send an email").
_COMMANDS = frozenset(
    "turn switch open close send email text message remind wake stop start lock unlock dim mute pause set".split()
)
# Words that ask the bot for something, or about the world ("can you order me a pizza?", "who won the football?").
_ASKS_BOT = (
    _ASKS
    | frozenset(
        "who whos when where why how me you your yours i my we us our tell give show order book get make find go let "
        "help play sing buy call".split()
    )
    | _COMMANDS
)


def commands(text: str) -> bool:
    """Whether `text` is a command to a device ("turn off the lights"): a command verb first, no word of films."""
    tokens = words(text)
    return bool(tokens) and tokens[0] in _COMMANDS and not _SCREEN.intersection(tokens)


def about_films(text: str) -> bool:
    """Whether a question that names no film (and follows no talk of one) still asks about films: it has a word of
    the screen or of reviews, asks "what about" a topic, or is a topic alone ("car chases?", "zombies?").
    "Can you order me a pizza?", "what's the time?" and "go on then" ask something of the bot instead."""
    tokens = words(text)
    if _SCREEN.intersection(tokens) or _ABOUT.search(text):
        return True
    return not _ASKS_BOT.intersection(tokens) and any(w not in _CHAT and w not in _FILLER for w in tokens)


def own_words(route: Route) -> frozenset[str]:
    """The words of `route`'s own kind of question, which title search may look past."""
    return _OWN_WORDS.get(route.kind, frozenset())


def classify(text: str, vectors: WordVectors | None = None) -> Route:
    """The route of a question (its title left in: patterns look at the asking words around it)."""
    like = _LIKE.search(text) or (_SIMILAR.search(text) if re.search(r"\b(recommend|suggest)", text, re.I) else None)
    if like is not None:
        said = next(g for g in (like.groupdict().get(k) for k in ("like", "vein", "loved", "given")) if g)
        return Route(Kind.RECOMMEND, like=said.strip(" \"“”'"), genre=_genre(text))
    genre = _genre(text)
    audience = genre == "family" and _AUDIENCE.search(text) is not None  # "ok for a family movie night?"
    if _RECOMMEND.search(text) or (genre and not _FEEL_IS.match(text) and not audience) or _asks_for_a_pick(text):
        return Route(Kind.RECOMMEND, genre=genre)
    ranked = _ranking(text, vectors)
    if ranked is None or (not ranked.topic and not ranked.worst):
        ranked = _superlative(text, vectors) or ranked
    if ranked is not None:
        return ranked
    if _SEQUEL.search(text):
        return Route(Kind.SEQUEL)
    for pattern, role in _FACTS:
        if pattern.search(text):
            return Route(Kind.FACT, role=role)
    if _suitability(text, vectors):
        return Route(Kind.SUITABILITY)
    if _VERDICT.search(text):
        return Route(Kind.VERDICT)
    if _REVIEW.search(text):
        return Route(Kind.REVIEW)
    return Route(Kind.TOPIC)
