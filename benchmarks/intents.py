"""The intent test set: the kinds of question people ask, each with the behaviour a member should get.

    python -m benchmarks.intents          # also a section of `make bench-quality`

The corpus is built at run time from the reference data (never copied into the project): Pang & Lee
reviews under MovieLens titles (`benchmarks.quality`'s generated titles), some films with three reviews by
named reviewers, rated from their label (8/10 or 3/10), and a few sequels. Into some reviews a sentence is
planted that a question's answer must quote: how a sequel compares with its original, who directed a
film or stars in it, how it suits children or how scary, funny or long it is, praise or scorn of its
music, acting or visuals, a genre word, and pairs of films whose reviews share rare words ("something
like X"). Every question says which intent it is, which film(s) it is about, and whether the right
answer is an answer (quoting what was planted) or an honest no ("The reviews of X don't talk about
that", "X is not a sequel", "I didn't understand that").

Six parts (`PARTS`): the one tuned on (`TUNING`, seed 12), a held-out one (`HELD_OUT`, seed 2026: another
corpus, and other wordings of the same intents and other planted sentences, written after the tuning;
`--held-out` runs it; its failures have since been read and fixed against), a fresh one (`FRESH`, seed 4242: a
third corpus, a new user's wordings, casual and with typos, and other planted sentences, written before the
engine was ever run on it; `--fresh` runs it), and a fourth, a fifth and a sixth (`FOURTH`, seed 9191; `FIFTH`,
seed 5150; `SIXTH`, seed 6006), each written after the round before it, before its own first run (`--fourth`,
`--fifth`, `--sixth`; all since read).
`make bench-quality` reports every part, per intent; its smoke test (tests/test_bench_quality_smoke.py) runs them
on the generated stand-in data (tests/bench_sample.py).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from benchmarks import data
from benchmarks.quality import _generated_titles, _review_text
from bot.answers import (
    Abstain,
    Answer,
    Comparison,
    Fact,
    FilmRanking,
    Note,
    Notice,
    Picks,
    Snippets,
    VerdictCard,
    film_of,
)
from bot.engine import Engine
from bot.models import Film, Intent, Label, Question, Review

TUNING_SEED = 12  # the corpus and phrasings the engine was tuned on
HELD_OUT_SEED = 2026  # another corpus, asked in the held-out phrasings
FRESH_SEED = 4242  # a third corpus, asked in phrasings written before the engine was run on them
FOURTH_SEED = 9191  # a fourth, asked in phrasings written after the third part was fixed, before any run on them
FIFTH_SEED = 5150  # a fifth, asked in phrasings written after the fourth part was fixed, before any run on them
SIXTH_SEED = 6006  # a sixth, asked in phrasings written after the fifth part was fixed, before any run on them
INTENTS = ("sequel", "suitability", "ranking", "recommend", "fact", "verdict", "not understood")
_COMPARES = re.compile(
    r"\b(sequels?|originals?|first (film|movie|one|installment)|predecessors?|franchise|lives? up|continuation|"
    r"builds? (up)?on|expands? (up)?on)\b",
    re.I,
)
_DIRECTS = re.compile(r"\b(direct(ed|or|ors|s|ion|ing)?|filmmakers?|helm(ed|s)?)\b", re.I)
_NAMES = (
    "Ada Brook|Cyril Vance|Dora Keel|Emil Stroud|Flora Tay|Gideon Marsh|Hana Oduya|Ivo Brandt|Jules Fenn|Kira Solt|"
    "Lev Amadi|Mira Quell|Nils Hart|Opal Reyes|Pia Lund|Rafe Corr"
).split("|")
_GIBBERISH_LETTERS = "bcdfghjklmnpqrstvwxz"
_TUNING_FEELS = {  # planted sentence, the question templates, what the quote must contain, words that rule a "no" out
    "kids": ("The shark scenes are far too frightening for young children.",
             ("is {t} good for kids?", "is {t} ok for children?", "is {t} suitable for kids?"), "young children",
             "kid kids child children family families young youngsters teen teens teenage teenagers parent parents "
             "boy boys girl girls son daughter toddler toddlers school baby babies adult adults audience audiences"),
    "scary": ("It is genuinely terrifying, the most frightening film of the year.",
              ("is {t} scary?", "how scary is {t}?"), "terrifying",
              "scary scare scares scared frightening frighten frightened terrifying terrify terror horror horrifying "
              "creepy eerie spooky chilling scream screams fear fears afraid dread shock shocking"),
    "funny": ("It is hilarious, the funniest comedy I have seen in years.",
              ("is {t} funny?", "how funny is {t}?"), "hilarious",
              "funny funniest hilarious humor humour comedy comedic comedies laugh laughs laughing laughter joke jokes "
              "wit witty amusing gag gags chuckle"),
    "long": ("At nearly three hours it is far too long.",
             ("is {t} long?", "how long is {t}?"), "too long",
             "long longer length lengthy hour hours minutes runtime running overlong drag drags tedious"),
}  # fmt: skip
_TUNING_RANKED = {  # topic: (praise, scorn, questions for the best, for the worst)
    "music": ("The music is magnificent, the finest score I have heard in years.",
              "The music is dreadful, a grating and awful score.",
              ("which film has the best music?", "which movie has the best score?", "what's the film with the best "
               "soundtrack?"), ("which film has the worst music?", "which movie has the worst score?")),
    "acting": ("The acting is superb, the finest performances of the year.",
               "The acting is atrocious, the worst performances of the year.",
               ("which film has the best acting?", "which movie has the best performances?"),
               ("which film has the worst acting?",)),
    "visuals": ("The cinematography is breathtaking, the most gorgeous visuals of the year.",
                "The cinematography is ugly and murky, dreadful visuals throughout.",
                ("which film has the best cinematography?", "which movie has the best visuals?"),
                ("which film has the worst cinematography?",)),
    "scary": ("It is the most terrifying film I have ever seen.", "",
              ("what's the scariest film you have?", "which is the scariest movie?",
               "what is the most frightening film?"), ()),
    "funny": ("It is the funniest film I have ever seen, hilarious throughout.", "",
              ("what's the funniest film you have?", "which movie is the funniest?",
               "which is the most hilarious movie?"), ()),
    "story": ("The story is gripping, the finest plot of the year.",
              "The story is a mess, the worst plot of the year.",
              ("which film has the best story?", "which movie has the best plot?"),
              ("which film has the worst plot?",)),
    "ending": ("The ending is perfect, the finest ending in years.", "",
               ("which film has the best ending?", "which movie has the most satisfying ending?"), ()),
}  # fmt: skip
_TUNING_GENRES = {"horror": "It is a superb horror film, the best horror of the decade.",
           "western": "It is a classic western, the finest western in years.",
           "comedy": "It is a delightful comedy, the warmest comedy of the year."}  # fmt: skip
_TUNING_GENRE_QUESTIONS = {"horror": ("a good horror film", "recommend a horror movie"),
                    "western": ("any good westerns?", "recommend a western"),
                    "comedy": ("any good comedies?", "a good comedy film")}  # fmt: skip
_TUNING_TWINS = [
    "submarine torpedo sonar admiral periscope", "vineyard harvest sommelier cellar grapes",
    "lighthouse keeper foghorn shipwreck gulls", "chess grandmaster gambit endgame tournament",
    "volcano eruption lava ash seismologist", "circus trapeze acrobat ringmaster clowns",
    "glacier expedition crevasse sherpa summit", "bakery sourdough oven flour pastry",
]  # fmt: skip


@dataclass(frozen=True)
class Phrasing:
    """The sentences planted and the questions asked: one set to tune on, one never looked at while tuning."""

    sayings: tuple[str, ...]  # a sequel's review on its original (each with "original")
    sequel_questions: tuple[str, ...]  # the first is also asked of films that are no sequel
    feels: dict[str, tuple[str, tuple[str, ...], str, str]]
    directed: str
    stars: str
    director_questions: tuple[str, ...]  # the last is about "it", the film talked about
    lead_questions: tuple[str, ...]
    ranked: dict[str, tuple[str, str, tuple[str, ...], tuple[str, ...]]]
    recommend_questions: tuple[str, ...]
    like_questions: tuple[str, ...]
    twins: list[str]
    genres: dict[str, str]
    genre_questions: dict[str, tuple[str, ...]]
    verdict_questions: tuple[str, ...]
    verdict_it: str
    vague: tuple[str, ...]
    # The fixed parts take the first few templates of each intent; `rotate` (the fresh part) takes every template in
    # turn, asks templates without "{t}" about the film in talk, and asks "who directed" only of films whose review
    # names no director.
    rotate: bool = False
    unranked: tuple[str, ...] = ("which film has the best zanzibarian yodelling?",)  # topics no review mentions
    nonsense: tuple[str, ...] = ()  # typed with a film in talk, before the random gibberish (rotate only)


TUNING = Phrasing(
    sayings=("It is better than the original, sharper and funnier.", "It falls short of the original film.",
             "It is better than the original in every way."),
    sequel_questions=("is the sequel better than the original?", "how does it compare to the first one?",
                      "is it as good as the original?", "is {t} better than the original?"),
    feels=_TUNING_FEELS,
    directed="It was directed by {name}.",
    stars="{name} stars as the lonely captain.",
    director_questions=("who directed {t}?", "who is the director of {t}?", "who directed it?"),
    lead_questions=("who stars in {t}?", "who plays the lead in {t}?", "who plays the lead?"),
    ranked=_TUNING_RANKED,
    recommend_questions=("recommend me something", "what should I watch tonight?", "any recommendations?",
                         "suggest a film", "recommend a movie", "what should we watch?"),
    like_questions=("something like {t}", "films like {t}", "anything similar to {t}?"),
    twins=_TUNING_TWINS,
    genres=_TUNING_GENRES,
    genre_questions=_TUNING_GENRE_QUESTIONS,
    verdict_questions=("is {t} worth watching?", "should I watch {t}?", "is {t} any good?", "would you recommend {t}?"),
    verdict_it="is it worth watching?",
    vague=("how is it?", "what do you think?"),
)  # fmt: skip

# Written after the tuning, never tuned on: other wordings of the same intents, other planted sentences.
HELD_OUT = Phrasing(
    sayings=("It improves on the original in nearly every respect.", "It is a pale copy of the original.",
             "Unlike most sequels, it surpasses the original."),
    sequel_questions=("is the sequel as good as the first film?", "how does it stack up against the original?",
                      "is it worse than the original?", "does {t} live up to the original?"),
    feels={
        "kids": ("The gore makes it unsuitable for children under twelve.",
                 ("can I show {t} to my kids?", "is {t} family friendly?", "is {t} appropriate for children?"),
                 "children", _TUNING_FEELS["kids"][3]),
        "scary": ("The haunted house scenes are creepy and will give you nightmares.",
                  ("is {t} frightening?", "will {t} scare me?"), "creepy", _TUNING_FEELS["scary"][3]),
        "funny": ("The jokes are so witty that I laughed all the way through.",
                  ("is {t} a funny film?", "does {t} make you laugh?"), "laughed", _TUNING_FEELS["funny"][3]),
        "long": ("The film runs well over two and a half hours and drags badly.",
                 ("how long does {t} run?", "is {t} too long?"), "hours", _TUNING_FEELS["long"][3]),
    },
    directed="{name} directs with a sure hand.",
    stars="The lead is played by {name}, who is superb.",
    director_questions=("who made {t}?", "who was the director of {t}?", "who was the director?"),
    lead_questions=("who is the star of {t}?", "who has the lead role in {t}?", "who is the star?"),
    ranked={
        "music": ("The score is gorgeous, the most beautiful soundtrack this year.",
                  "The score is irritating, a cheap and tinny soundtrack.",
                  ("which film has the greatest soundtrack?", "what movie has the nicest music?"),
                  ("which film has the most annoying music?", "what's the movie with the worst soundtrack?")),
        "acting": ("The performances are wonderful and the cast is brilliant.",
                   "The performances are wooden and the cast is terrible.",
                   ("which film has the finest performances?", "what movie has the best cast?"),
                   ("which movie has the worst performances?",)),
        "scary": ("It is the creepiest, most frightening horror film in years.", "",
                  ("which film is the most terrifying?", "what's the creepiest movie?"), ()),
        "funny": ("It is the most hilarious comedy, I laughed throughout.", "",
                  ("what's the most hilarious film?", "which film is funniest?"), ()),
        "effects": ("The special effects are dazzling, the best effects of the year.", "",
                    ("which film has the best special effects?", "which movie has the best effects?"), ()),
    },
    recommend_questions=("can you recommend a film?", "what's good to watch?", "got any suggestions?",
                         "recommend something to watch", "what movie should I see?"),
    like_questions=("movies like {t}", "something similar to {t}", "anything like {t}?"),
    twins=["falcon hunter feathers talons aviary", "locomotive railway station conductor boiler",
           "tornado storm chaser radar hail", "opera soprano aria tenor conductor",
           "beekeeper hive honey queen swarm", "diamond heist vault alarm safecracker"],
    genres={"thriller": "It is a taut thriller, the most gripping thriller of the year.",
            "drama": "It is a moving drama, the finest drama in years."},
    genre_questions={"thriller": ("any good thrillers?", "recommend a thriller"),
                     "drama": ("a good drama", "recommend a drama film")},
    verdict_questions=("is {t} good?", "should I see {t}?", "is {t} worth it?", "do you recommend {t}?"),
    verdict_it="should I watch it?",
    vague=("what about it?", "hmm?"),
)  # fmt: skip

# Written after both parts above, before the engine was ever run on it, by someone who had not read the engine's code
# nor the held-out part's failures: a new user's wordings (casual, lowercase, typos), other planted sentences, every
# template asked in turn (`rotate`).
FRESH = Phrasing(
    sayings=("As sequels go, it outdoes the original on every front.", "It never recaptures the magic of the original.",
             "Sadly it is a lesser film than the original.",
             "It matches the original scene for scene and then betters it."),
    sequel_questions=("is the sequel any good compared to the first?", "better or worse than the original?",
                      "how does {t} compare with the first movie?", "is it better than part 1?",
                      "does it hold up next to the original?", "so is {t} an improvement on the original or not",
                      "is the second one as good as the first one?", "original vs sequel, which is better?",
                      "was the first one better?", "is {t} worse than its predecessor?",
                      "how does it measure up to the original film?", "did they top the original with {t}?",
                      "does {t} beat the first one", "is the follow up better than the orignal?"),
    feels={
        "kids": ("Parents be warned: the graphic violence makes it unsuitable for younger viewers.",
                 ("is {t} ok for my 8 yo?", "can my kids watch {t}?", "is {t} a family movie?",
                  "would {t} be alright for a 10 year old", "is {t} too violent for children?",
                  "can i watch {t} with my son?", "is {t} kid friendly", "is {t} suitable for young kids?"),
                 "younger viewers", _TUNING_FEELS["kids"][3] + " viewers suitable unsuitable violence violent"),
        "scary": ("I jumped out of my seat more than once, and the dread builds until it is almost unbearable.",
                  ("does {t} have jump scares?", "how creepy is {t}?", "will {t} give me nightmares",
                   "is {t} too scary to watch alone?", "is {t} scarry?", "is {t} a scary one?",
                   "how frightening is {t} really", "is {t} spooky?"),
                  "dread", _TUNING_FEELS["scary"][3] + " jump jumped nightmare nightmares unbearable tense"),
        "funny": ("I was in stitches, the gags come thick and fast and nearly all of them land.",
                  ("will {t} make me laugh?", "any laughs in {t}?", "is {t} actually funny lol",
                   "is {t} a comedy or serious?", "does {t} have good jokes?", "is {t} hilarous?",
                   "is {t} funny at all", "how many laughs does {t} have?"),
                  "stitches", _TUNING_FEELS["funny"][3] + " stitches"),
        "long": ("The running time is a bloated 160 minutes and you feel every one of them.",
                 ("what's the runtime of {t}?", "how many hours is {t}?", "is {t} a long one?",
                  "does {t} drag?", "is {t} short enough for a weeknight?", "will {t} run long?",
                  "how long does {t} last?", "what's the running time of {t}"),
                 "160 minutes", _TUNING_FEELS["long"][3] + " bloated short"),
    },
    directed="{name}'s direction is confident and unfussy.",
    stars="{name} carries the film in the leading role.",
    director_questions=("who's the director of {t}", "do you know who directed {t}",
                        "who was behind the camera on {t}?", "which director made {t}?", "{t} director?",
                        "who helmed {t}?", "name the director of {t} pls", "who directed {t} again?",
                        "who directed this one?"),
    lead_questions=("who's in {t}?", "who is the main actor in {t}?", "who plays the main character in {t}?",
                    "which actor stars in {t}", "{t} cast?", "who acts in {t}?", "main star of {t}?",
                    "who's the lead actor in {t}", "who's in it"),
    ranked={
        "music": ("What a soundtrack: every song is perfectly chosen and the score soars.",
                  "The soundtrack is grating, a dreary mess of generic pop songs.",
                  ("best soundtrack?", "which one has the best songs", "what film has great music?",
                   "whats the movie with the best score"),
                  ("which film's soundtrack is the worst?", "worst music of all the films?")),
        "acting": ("The cast is uniformly excellent and the lead performance is astonishing.",
                   "The cast is hopeless and every line reading rings false.",
                   ("which film is the best acted?", "top movie for acting?", "which film has the strongest cast"),
                   ("worst acted film?", "which movie has the weakest cast?")),
        "visuals": ("Visually it is stunning, every frame looks like a painting.",
                    "It looks cheap and ugly, the photography flat and murky.",
                    ("most beautiful looking film?", "which movie looks the best", "best looking movie you have"),
                    ("which movie looks the ugliest?",)),
        "effects": ("The special effects are jaw-dropping, the most spectacular effects work in years.",
                    "The special effects are cheap and laughable, rubbery and fake.",
                    ("best cgi?", "which film has the most impressive special effects"),
                    ("which movie has the worst effects?", "worst special effects?")),
        "scary": ("It is the most nerve-shredding, bone-chilling horror I have sat through.", "",
                  ("scariest movie?", "what's the most frightening film you've got", "which horror film is scariest?",
                   "most terrifying movie on here?"), ()),
        "funny": ("It is a riot from start to finish, the funniest thing I have seen all year.", "",
                  ("which comedy is the funniest?", "funniest movie in your list?",
                   "what film will make me laugh the most?"), ()),
        "ending": ("The ending is a knockout, the best final twist in years.", "",
                   ("which movie has the best twist ending?", "best ending?"), ()),
    },
    recommend_questions=("any good movies?", "im bored, what should i watch", "give me a movie to watch",
                         "pick a film for me", "what's a good film for tonight?", "what are your top picks?",
                         "what's the best movie you have?", "suggest something good pls", "need a movie rec",
                         "what would you recommend?", "anything worth watching?", "movie night, any ideas?"),
    like_questions=("i loved {t}, what else would i like?", "more like {t} pls", "recommend something like {t}",
                    "if i liked {t} what should i watch next", "got anything in the same vein as {t}?",
                    "similar films to {t}?", "what's similar to {t}", "anything else like {t}?"),
    twins=["pottery kiln potter glaze porcelain", "kite spool windsock updraft glider",
           "monastery monk chant abbot cloister", "rodeo cowboy bull lasso saddle",
           "orchestra violinist cello maestro rehearsal", "igloo sled husky tundra blizzard",
           "roulette croupier baccarat chips jackpot", "aquarium dolphin walrus otter flipper"],
    genres={"romance": "It is a tender romance, the most touching love story of the year.",
            "fantasy": "It is an enchanting fantasy, the most magical adventure in years.",
            "mystery": "It is a clever mystery, the most satisfying whodunit in years."},
    genre_questions={"romance": ("any romance movies worth seeing?", "date night tonight, got a good romance?"),
                     "fantasy": ("a good fantasy movie?", "looking for fantasy films, any ideas"),
                     "mystery": ("recommend me a good mystery", "any mysteries worth watching?")},
    verdict_questions=("is {t} worth a watch?", "{t} - good or bad?", "worth my time?",
                       "is {t} any good or should i skip it", "should i bother with {t}?", "how good is {t}?",
                       "should i bother?", "would i like {t}?", "is {t} a must see?", "is it any good tho",
                       "what's the verdict on {t}?", "did the critics like {t}?", "{t}: yay or nay?",
                       "shoud i watch {t}", "is it worth seeing?", "is {t} wroth watching?", "rate {t} for me"),
    verdict_it="worth my time?",
    vague=("so is it any good", "tell me more", "and?", "what was that one called again", "wait what", "ok but why",
           "huh", "what's the weather like tomorrow?", "can you book me a table for two?"),
    rotate=True,
    unranked=("which film has the best calligraphy?", "whats the movie with the most taxidermy",
              "best kazoo solo?"),
    nonsense=("asdf", "jkjkjk", "sdfghj?", "qwertyuiop", "lkjhg fdsa", "mmmmmmm", "zxcv", "aaaaaaaa", "hjkl hjkl",
              "?!?!", "...", "ugh wrong button", "blorp", "oops", "fgfgfg?", "wxyz wxyz"),
)  # fmt: skip


# Written 2026-12-04, after the third part's failures were read and fixed, before the engine was ever run on it: a
# politer, wordier new member (British spellings, a few typos, requests that are not about films), other planted
# sentences, every template asked in turn. Its first run is the honest figure for the rules as they stand.
FOURTH = Phrasing(
    sayings=("It builds on the original and improves it in almost every way.",
             "Compared with the original it feels thin and rushed.",
             "It is every bit the equal of the original.", "It cannot hold a candle to the original."),
    sequel_questions=("could you tell me if the sequel is better than the first film?",
                      "is {t} an upgrade on the original?",
                      "how does this one compare to the original?", "is the second film worse than the first?",
                      "does {t} surpass the original?", "first film or sequel - which should I pick?",
                      "is {t} as strong as the first instalment?", "does the sequel live up to the first one?",
                      "is {t} a step down from the original?", "how does {t} rate against the first film?",
                      "did the sequel manage to beat the original?", "is part two better than part one?",
                      "original or {t}, which is better?", "would you say {t} improves on the first movie?"),
    feels={
        "kids": ("The swearing and the bloody violence make it a poor choice for young audiences.",
                 ("would {t} be ok for a family movie night?", "is {t} appropriate for a twelve year old?",
                  "can children watch {t}?", "is {t} too much for my nine year old?", "should kids see {t}?",
                  "is {t} safe for the little ones?", "is {t} suitable for teenagers?",
                  "any reason not to show {t} to my children?"),
                 "young audiences", _TUNING_FEELS["kids"][3] + " audiences swearing violence violent bloody"),
        "scary": ("The tension is relentless and several scenes left me genuinely shaken.",
                  ("is {t} properly frightening?", "will {t} keep me up at night?", "how scary would you say {t} is?",
                   "is {t} the kind of film that scares you?", "is {t} too intense for a scaredy cat?",
                   "does {t} have any frightening moments?", "is {t} horrifying?", "is {t} creepy at all?"),
                  "shaken",
                  _TUNING_FEELS["scary"][3] + " tension tense shaken intense relentless nightmare nightmares"),
        "funny": ("I laughed out loud many times; the comic timing is superb.",
                  ("is {t} a laugh?", "will {t} cheer me up with some laughs?", "does {t} have much humour?",
                   "how funny would you say {t} is?", "is {t} amusing?", "is there any comedy in {t}?",
                   "is {t} funy?", "is {t} supposed to be funny?"),
                  "laughed out loud", _TUNING_FEELS["funny"][3] + " comic laughed timing"),
        "long": ("It clocks in at two hours and forty minutes, and it could lose half an hour.",
                 ("how long is {t} roughly?", "is {t} a long watch?", "what's the length of {t}?", "is {t} overlong?",
                  "can i finish {t} in under two hours?", "does {t} go on too long?",
                  "how much time do I need for {t}?", "is {t} lengthy?"),
                 "forty minutes", _TUNING_FEELS["long"][3] + " clocks forty half"),
    },
    directed="The film is the work of director {name}, whose touch is light.",
    stars="In the title role, {name} gives a career-best performance.",
    director_questions=("who was the director on {t}?", "could you tell me who directed {t}?",
                        "{t} was directed by whom?", "who is responsible for directing {t}?",
                        "who's the filmmaker behind {t}?", "i forget who directed {t}",
                        "what's the name of the director of {t}?", "director of {t}?", "who directed it?"),
    lead_questions=("who has the title role in {t}?", "who is the leading actor of {t}?", "who's the star of {t}",
                    "who headlines {t}?", "who plays the main part in {t}?", "which actress or actor leads {t}?",
                    "who stars in {t} again?", "{t} lead actor?", "who stars in it?"),
    ranked={
        "music": ("The soundtrack is sublime, a score I will be humming for weeks.",
                  "The score is dreadful, loud and shapeless.",
                  ("which film has the loveliest score?", "where's the best music?",
                   "top soundtrack in the collection?", "which film would you pick for its music?"),
                  ("which film has the poorest score?", "worst soundtrack?")),
        "acting": ("The acting is superb, with the finest ensemble performances of the year.",
                   "The acting is awful, stilted and lifeless.",
                   ("which film has the finest acting?", "best performances?", "which movie is best for great acting?"),
                   ("which film has the worst acting?",)),
        "visuals": ("The cinematography is breathtaking, the most gorgeous images of the year.",
                    "The cinematography is drab and muddy.",
                    ("which film has the best cinematography?", "most gorgeous film?"),
                    ("which film has the ugliest cinematography?",)),
        "scary": ("It is the most terrifying ghost story in ages, properly scary.", "",
                  ("which is the most terrifying film?", "scariest one you have?",
                   "which film scared reviewers the most?"), ()),
        "funny": ("It is the funniest film in ages, hilarious from beginning to end.", "",
                  ("funniest film here?", "which film got the most laughs?", "best comedy you have?"), ()),
        "effects": ("The visual effects are extraordinary, the best effects of the decade.",
                    "The visual effects are shoddy and fake.",
                    ("which film has the best visual effects?", "best vfx?"),
                    ("which film has the worst visual effects?",)),
    },
    recommend_questions=("could you suggest a film for tonight?", "what do you recommend i watch?",
                         "help me pick a movie", "what should i put on this evening?", "any film you'd recommend?",
                         "i need something to watch", "what's a must-watch here?", "recommend a good film please",
                         "suggestions for a film?", "give me a recommendation", "what film would you suggest?",
                         "which film should i watch next?"),
    like_questions=("films similar to {t}?", "what should i watch if i enjoyed {t}?",
                    "anything along the lines of {t}?",
                    "i really liked {t}, any similar films?", "something in the spirit of {t}",
                    "recommend films like {t} please", "other movies like {t}?", "what else is like {t}?"),
    twins=["lighthouse keeper lantern fog shipwreck", "chess grandmaster gambit rook tournament",
           "vineyard harvest grape cellar sommelier", "submarine sonar torpedo periscope hatch",
           "marathon runner sprint finish medal", "jazz saxophone trumpet nightclub drummer",
           "garden greenhouse orchid gardener compost", "astronomer telescope comet observatory nebula"],
    genres={"western": "It is a rousing western, the finest western in a decade.",
            "musical": "It is a joyful musical, the most delightful musical of the year.",
            "war": "It is a harrowing war film, the most powerful war film in years."},
    genre_questions={"western": ("any westerns you'd recommend?", "i'm in the mood for a western"),
                     "musical": ("a good musical?", "suggest a musical for tonight"),
                     "war": ("recommend a war film", "any great war movies?")},
    verdict_questions=("is {t} worth seeing?", "is {t} any cop?", "do people like {t}?", "thumbs up or down for {t}?",
                       "should i give {t} a go?", "is {t} worth the time?", "is it worth watching at all?",
                       "is {t} good or not?", "would you say {t} is good?", "what's the consensus on {t}?",
                       "is {t} worth it or not", "is it good?", "is {t} recommended?", "did reviewers enjoy {t}?",
                       "is {t} worth a look?", "should i skip {t}?", "overall, is {t} good?"),
    verdict_it="is it worth seeing?",
    vague=("what do you reckon?", "go on then", "and then what", "which one was that?", "never mind",
           "can you order me a pizza?", "what's the time?", "tell me a joke", "who won the football?"),
    rotate=True,
    unranked=("which film has the best origami?", "which movie has the most bagpipes?", "best harpsichord playing?"),
    nonsense=("qqqq", "zzzz?", "plmokn", "xcvbnm", "hhhhh", "wertyu?", "lol", "sorry", "mnbv mnbv", "!!!", "??",
              "hmmmm", "asdfgh", "brrrr", "kkkk", "ytrewq"),
)  # fmt: skip

# Written after the fourth part was fixed (verdict sayings, requests of the bot, audiences and feels in other
# words), before the engine was ever run on it: a fifth corpus, and wordings of a member who types fast and chats.
FIFTH = Phrasing(
    sayings=("Where the original was tight and surprising, this one is bloated and predictable.",
             "It outdoes the original on every front.", "It is a worthy follow-up that matches the original.",
             "Next to the original it is a real letdown."),
    sequel_questions=("is the sequel any better than the first one?", "is {t} better or worse than the original?",
                      "does the follow-up hold up against the original?", "how does {t} stack up to the original?",
                      "first one or second one?", "was the sequel a letdown compared to the first?",
                      "is {t} an improvement on the original film?", "should i stick with the original instead of {t}?",
                      "did {t} top the original?", "how does the sequel measure up?",
                      "is {t} worse than the first film?", "does {t} do the original justice?"),
    feels={
        "kids": ("There is a lot of strong language and some grisly violence, so it is not one for children.",
                 ("is {t} kid friendly?", "would {t} be fine for my 8 year old?", "could my kids watch {t}?",
                  "is {t} ok to watch with the kids?", "is {t} suitable for a ten year old?",
                  "would you let children see {t}?", "is {t} fine for the whole family?",
                  "is {t} alright for young kids?"),
                 "children", _TUNING_FEELS["kids"][3] + " language violence grisly"),
        "scary": ("I jumped out of my seat twice, and the dread builds until the final frame.",
                  ("is {t} spooky?", "will {t} scare me?", "how frightening is {t}?", "does {t} have jump scares?",
                   "is {t} a scary one?", "is {t} terrifying at all?", "would {t} give me nightmares?",
                   "is {t} too scary for me?"),
                  "dread", _TUNING_FEELS["scary"][3] + " jumped seat dread builds"),
        "funny": ("The jokes land again and again, and the whole audience was in stitches.",
                  ("does {t} make you laugh?", "is {t} hilarious?", "is {t} a funny one?", "are there laughs in {t}?",
                   "how funny is {t} really?", "is {t} comedic?", "does {t} have good jokes?", "is {t} funny at all?"),
                  "jokes land", _TUNING_FEELS["funny"][3] + " stitches land"),
        "long": ("At nearly three hours it is a long sit, and the middle hour sags.",
                 ("what's the runtime of {t}?", "is {t} really long?", "how many hours is {t}?",
                  "is {t} too long?", "does {t} drag?", "is {t} a short one?", "how long does {t} last?",
                  "is {t} a long film?"),
                 "three hours", _TUNING_FEELS["long"][3] + " sit sags nearly"),
    },
    directed="Behind the camera is {name}, who keeps everything moving.",
    stars="{name} leads the cast with real warmth.",
    director_questions=("who directed {t} again?", "who's the director of {t}?", "who helmed {t}?",
                        "do you know who directed {t}?", "{t} director?", "who made {t}?",
                        "who was behind the camera for {t}?", "name the director of {t}", "who directed this one?"),
    lead_questions=("who's the lead in {t}?", "who stars in {t}?", "who plays the main character in {t}?",
                    "who's in {t}?", "main actor in {t}?", "which actor leads {t}?", "who is the star of {t}?",
                    "who acts in {t}?", "who's the lead?"),
    ranked={
        "music": ("The music is glorious, the best soundtrack I have heard in years.",
                  "The music is grating and cheap, a tinny soundtrack.",
                  ("which film has the best soundtrack?", "best music in here?", "which movie has great music?",
                   "top score?"),
                  ("which film has the worst music?", "most annoying soundtrack?")),
        "acting": ("The acting is magnificent, every performance rings true.",
                   "The acting is wooden and amateurish throughout.",
                   ("who has the best acting?", "which film is best acted?", "strongest performances?"),
                   ("worst acted film?",)),
        "visuals": ("The photography is stunning, the most beautiful images I have seen.",
                    "The photography is flat and ugly.",
                    ("best looking film?", "which film has the most beautiful visuals?"),
                    ("ugliest film here?",)),
        "scary": ("It is the scariest film I have seen in a decade, truly frightening.", "",
                  ("what is the scariest movie?", "most frightening film here?", "which one is scariest?"), ()),
        "funny": ("It is the most hilarious comedy of the year, I laughed throughout.", "",
                  ("which is the funniest?", "what's the most hilarious film?", "funniest comedy here?"), ()),
        "effects": ("The special effects are spectacular, the best effects I have seen.",
                    "The special effects are cheap and unconvincing.",
                    ("best special effects?", "which film has the greatest effects?"),
                    ("worst effects?",)),
    },
    recommend_questions=("what's good?", "recommend something please", "any suggestions for tonight?",
                         "i'm bored, what should i watch?", "pick a film for me", "what would you recommend?",
                         "got a recommendation?", "what's worth watching?", "suggest something good",
                         "what movie should i see?", "tell me something to watch", "any good films?"),
    like_questions=("anything like {t}?", "i loved {t}, what else would i like?", "more films like {t}",
                    "something similar to {t}", "recommend something like {t}", "if i liked {t} what should i watch?",
                    "movies similar to {t}?", "similar to {t}?"),
    twins=["beekeeper hive honey swarm apiary", "cathedral organ choir bishop cloister",
           "rodeo cowboy lasso bronco arena", "typewriter novelist manuscript editor publisher",
           "ferry harbour captain lighthouse gulls", "orchestra conductor violin cello rehearsal",
           "lumberjack sawmill timber forest axe", "taxidermy museum curator fossil exhibit"],
    genres={"horror": "It is a nasty little horror film, the most effective horror of the year.",
            "comedy": "It is a sparkling comedy, the wittiest comedy in a decade.",
            "documentary": "It is a gripping documentary, the finest documentary of the year."},
    genre_questions={"horror": ("any good horror?", "recommend a horror movie"),
                     "comedy": ("i want a comedy", "suggest a good comedy"),
                     "documentary": ("any documentaries worth seeing?", "recommend a documentary")},
    verdict_questions=("is {t} good?", "is {t} any good or not?", "worth watching {t}?", "should i bother with {t}?",
                       "is {t} worth my time?", "would you recommend {t}?", "is {t} a good film?",
                       "did critics like {t}?", "is {t} worth seeing?", "good or bad: {t}?", "{t}, worth it?",
                       "is it worth it?", "how good is {t}?", "is {t} a must see?", "should i see {t}?",
                       "what's the verdict on {t}?", "is {t} rated well?"),
    verdict_it="is it any good?",
    vague=("what's up?", "and now?", "how are you?", "what's the weather doing?", "play some music",
           "set a timer for ten minutes", "who are you?", "where is the nearest cinema?", "ok and",
           "call my mum"),
    rotate=True,
    unranked=("which film has the best juggling?", "best yodelling?", "which movie has the most llamas?"),
    nonsense=("fffff", "jkl;", "qazwsx", "pppp?", "xyzzy", "lolol", "hmph", "bbbbbb", "??!", "wxq", "nnnn",
              "zzzzzz", "ghgh", "uuuu?", "rtrt", "kjkj"),
)  # fmt: skip

SIXTH = Phrasing(
    sayings=("Compared with the original it feels tired and thin.", "It improves on the original in almost every way.",
             "It keeps the spirit of the original and adds a little more.",
             "Fans of the original will find it a pale copy."),
    sequel_questions=("is the second one as good as the first?", "is {t} better than what came before?",
                      "how does {t} compare with the original?", "original or sequel, which is better?",
                      "did the sequel live up to the first one?", "does {t} improve on the first film?",
                      "is {t} a worthy sequel?", "is {t} weaker than the original?",
                      "how is the sequel compared to the first?", "should i watch the original before {t}?",
                      "is {t} as fun as the first movie?", "does {t} beat the first one?"),
    feels={
        "kids": ("The violence is brutal and bloody, so keep young children well away.",
                 ("can my son watch {t}?", "is {t} ok for a 10 year old?", "is {t} child friendly?",
                  "would {t} be too much for kids?", "can i take my kids to {t}?", "is {t} a family movie?",
                  "is {t} suitable for teens?", "is {t} fine for children?"),
                 "young children", _TUNING_FEELS["kids"][3] + " violence brutal bloody"),
        "scary": ("The tension is unbearable and several scenes left me shaking.",
                  ("is {t} frightening?", "does {t} get scary?", "how creepy is {t}?", "will {t} freak me out?",
                   "is {t} a horror-level scary film?", "is {t} scary enough?", "can {t} scare a grown adult?",
                   "is {t} too creepy?"),
                  "shaking", _TUNING_FEELS["scary"][3] + " tension unbearable shaking"),
        "funny": ("I laughed until I cried, the gags never stop.",
                  ("is {t} a comedy that works?", "will {t} make me laugh?", "is {t} amusing?", "how funny is {t}?",
                   "is {t} laugh out loud funny?", "are the jokes in {t} good?", "is {t} any fun?",
                   "does {t} have humour?"),
                  "laughed", _TUNING_FEELS["funny"][3] + " cried gags laughed"),
        "long": ("It runs well over two and a half hours and feels every minute of it.",
                 ("how long does {t} run?", "is {t} lengthy?", "what's the running time of {t}?",
                  "is {t} over two hours?", "does {t} overstay its welcome?", "is {t} long-winded?",
                  "how many minutes is {t}?", "is {t} quick to watch?"),
                 "two and a half hours", _TUNING_FEELS["long"][3] + " minute runs half"),
    },
    directed="The director, {name}, gives it a confident, steady hand.",
    stars="It stars {name} in a career-best turn.",
    director_questions=("who's the director?", "who directed {t}?", "director of {t}?", "who was the director of {t}?",
                        "who is {t} directed by?", "what director made {t}?", "who filmed {t}?",
                        "tell me who directed {t}", "who directed it?"),
    lead_questions=("who plays in {t}?", "who is the lead actor in {t}?", "who's starring in {t}?",
                    "lead actress of {t}?", "who is the main star of {t}?", "which actors are in {t}?",
                    "who's the star of {t}?", "who headlines {t}?", "who stars in it?"),
    ranked={
        "music": ("The music is sublime, a score I keep humming.",
                  "The music is awful, an irritating and repetitive score.",
                  ("what film has the best score?", "which one has the nicest music?", "best soundtrack here?"),
                  ("which movie has the most irritating music?", "worst score?")),
        "acting": ("The acting is outstanding, the cast is flawless.",
                   "The acting is terrible, the cast looks lost.",
                   ("which movie has the best cast?", "where is the best acting?", "best performances?"),
                   ("which film has the weakest acting?",)),
        "visuals": ("The visuals are dazzling, every shot looks like a painting.",
                    "The visuals are drab and cheap.",
                    ("which film looks the best?", "prettiest movie?"),
                    ("which film has the ugliest visuals?",)),
        "scary": ("This is the most frightening film I have ever sat through.", "",
                  ("scariest one?", "which movie is the most frightening?", "what's the creepiest film here?"), ()),
        "funny": ("It is the funniest comedy I know, hilarious from start to finish.", "",
                  ("what's the funniest one?", "which comedy is funniest?", "most hilarious movie you have?"), ()),
        "effects": ("The effects are jaw-dropping, the finest CGI I have seen.",
                    "The effects are laughable and fake.",
                    ("which film has the best cgi?", "best effects here?"),
                    ("which movie has the worst special effects?",)),
    },
    recommend_questions=("what do you recommend?", "can you recommend a film?", "give me a movie to watch",
                         "i need a film for tonight", "what should we watch?", "recommend a movie",
                         "anything you'd suggest?", "what's the best film you have?", "suggest a film",
                         "help me pick a movie", "what's worth a watch?", "got any good movies?"),
    like_questions=("films like {t}?", "what's similar to {t}?", "i enjoyed {t}, anything else like it?",
                    "something close to {t}", "recommend a film like {t}", "if you liked {t}, what else?",
                    "movies in the vein of {t}", "more like {t} please"),
    twins=["glacier crevasse sherpa summit icefall", "vineyard vintner cellar harvest cork",
           "submarine sonar torpedo periscope hull", "circus trapeze ringmaster clown tent",
           "falconry falcon hood perch jesses", "locksmith padlock tumbler skeleton keyring",
           "observatory telescope comet astronomer nebula", "brewery hops barley malt cask"],
    genres={"horror": "It is a grim and bloody horror film, the best horror in years.",
            "comedy": "It is a sharp, silly comedy, the best comedy of the summer.",
            "documentary": "It is a moving documentary, the most honest documentary I have seen."},
    genre_questions={"horror": ("recommend some horror", "a good horror movie?"),
                     "comedy": ("any comedies you like?", "give me a good comedy"),
                     "documentary": ("a good documentary?", "suggest a documentary please")},
    verdict_questions=("is {t} worth it?", "thoughts on {t}?", "is {t} any good?", "do you like {t}?",
                       "is {t} decent?", "would i enjoy {t}?", "rate {t}", "is {t} a good movie?",
                       "is {t} bad?", "should i watch {t}?", "how was {t}?", "yay or nay on {t}?",
                       "is {t} worth watching tonight?", "did people enjoy {t}?", "is {t} overrated?",
                       "what do reviewers think of {t}?", "is {t} recommended?"),
    verdict_it="is it worth it?",
    vague=("hello there", "what time is it?", "good morning", "tell me a joke", "turn off the lights",
           "what's your name?", "open the pod bay doors", "how old are you?", "bye", "send an email"),
    rotate=True,
    unranked=("which film has the best knitting?", "best accordion solo?", "which movie has the most penguins?"),
    nonsense=("qwerty", "asdf", "zzz", "mmmmm?", "plkj", "ooooo", "hjhj", "xcvb", "brrrr", "tttt", "jjjj?",
              "vbnm", "qqqq", "lkjh", "wewe", "pfft"),
)  # fmt: skip


# Each part of the set: its seed and phrasings, in the order they were written.
PARTS: dict[str, tuple[int, Phrasing]] = {
    "tuning": (TUNING_SEED, TUNING),
    "held out": (HELD_OUT_SEED, HELD_OUT),
    "fresh": (FRESH_SEED, FRESH),
    "fourth": (FOURTH_SEED, FOURTH),
    "fifth": (FIFTH_SEED, FIFTH),
    "sixth": (SIXTH_SEED, SIXTH),
}


@dataclass(frozen=True)
class Case:
    intent: str
    question: str
    expect: str  # "answer" or "no"
    film: str | None = None  # the film asked about (by its id)
    context: str | None = None  # a film reviewed first in the conversation
    must: str = ""  # an answer quotes a sentence with this
    films: tuple[str, ...] = ()  # ranking and picks: the planted films, of which the answer must have one
    avoid: tuple[str, ...] = ()  # films the answer must not have


@dataclass
class Built:
    films: list[Film]
    cases: list[Case] = field(default_factory=list)


def _plant(text: str, sentence: str, rng: random.Random) -> str:
    paras = text.split("\n\n")
    paras.insert(rng.randrange(1, len(paras) + 1), sentence)
    return "\n\n".join(paras)


def _titles(n: int, rng: random.Random) -> list[str]:
    """Titles none of which starts another's words (so each names one film for sure), without sequel numbers."""
    out: list[str] = []
    for t in _generated_titles(min(3 * n, 2000), rng):
        key = t.lower().split()
        if re.search(r"\b(ii|iii|iv|part)\b", t.lower()) or any(
            o[: len(key)] == key or key[: len(o)] == o for o in (x.lower().split() for x in out)
        ):
            continue
        out.append(t)
        if len(out) == n:
            break
    return out


def build(seed: int = TUNING_SEED, plain: int = 200, phrasing: Phrasing = TUNING) -> Built:
    """The corpus and its questions (deterministic for a seed), asked in `phrasing` (one of `PARTS`)."""
    rng = random.Random(seed)
    reviews = [(t, label) for t, label, _ in data.movie_reviews()]
    rng.shuffle(reviews)
    texts = [(_review_text(t), label) for t, label in reviews]
    texts = texts * (1 + (plain + 60) // max(len(texts), 1))  # the small stand-in data has fewer reviews
    titles = _titles(plain + 40, rng)
    films: dict[str, Film] = {}
    pool = iter(texts)
    ids: list[str] = []
    for n in range(plain):
        text, label = next(pool)
        fid = f"f{n}"
        rating = "8/10" if label else "3/10"
        films[fid] = Film(fid, titles[n], None, (Review(f"{fid}/1", fid, text, None, rating),))
        ids.append(fid)
    for n in range(10):  # three reviews, by named reviewers
        fid = f"m{n}"
        revs = []
        for who in ("Ana", "Ben", "Cy"):
            text, label = next(pool)
            revs.append(Review(f"{fid}/{who.lower()}", fid, text, who, "8/10" if label else "3/10"))
        films[fid] = Film(fid, titles[plain + n], None, tuple(revs))
        ids.append(fid)
    built = Built([])
    cases = built.cases
    _sequels(films, ids, titles[plain + 10 : plain + 20], pool, rng, cases, phrasing)
    _suitability(films, ids, rng, cases, phrasing)
    _facts(films, ids, rng, cases, phrasing)
    _ranking(films, ids, rng, cases, phrasing)
    _recommend(films, ids, rng, cases, phrasing)
    _verdict(films, ids, rng, cases, phrasing)
    _not_understood(films, ids, rng, cases, phrasing)
    built.films = list(films.values())
    return built


def _sequels(films: dict[str, Film], ids: list[str], titles: Sequence[str], pool: object, rng: random.Random,
             cases: list[Case], p: Phrasing) -> None:  # fmt: skip
    quiet = iter((t, lab) for t, lab in pool if not _COMPARES.search(t))  # type: ignore[attr-defined]
    sayings, questions = p.sayings, p.sequel_questions
    turn = iter(questions * 10)
    for n, title in enumerate(titles):
        original = films[ids[n]]
        text, label = next(quiet)
        compares = n < 7
        if compares:
            text = _plant(text, sayings[n % len(sayings)], rng)
        fid = f"s{n}"
        films[fid] = Film(fid, title, None, (Review(f"{fid}/1", fid, text, None, "8/10" if label else "3/10"),),
                          sequel_of=original.title)  # fmt: skip
        asked = questions[:2] if n >= 7 else questions[n % 2 : n % 2 + 3]
        if p.rotate:
            asked = tuple(next(turn) for _ in range(2 if n >= 7 else 3))
        for q in asked:
            context = None if "{t}" in q else fid
            cases.append(Case("sequel", q.format(t=title), "answer" if compares else "no", fid, context,
                              "original" if compares else ""))  # fmt: skip
    for fid in ids[20:28]:  # not sequels: "X is not a sequel" (when no review compares it with anything)
        if not any(_COMPARES.search(r.text) for r in films[fid].reviews):
            q = next(turn) if p.rotate else questions[0]
            cases.append(Case("sequel", q.format(t=films[fid].title), "no", fid, None if "{t}" in q else fid))


def _suitability(films: dict[str, Film], ids: list[str], rng: random.Random, cases: list[Case], p: Phrasing) -> None:
    chosen = ids[30:46]  # films f30-f45 get a planted sentence; f46-f69 are asked about what they don't say
    for n, fid in enumerate(chosen):
        feel = list(p.feels)[n % len(p.feels)]
        sentence, questions, must, _ = p.feels[feel]
        f = films[fid]
        review = f.reviews[0]
        films[fid] = Film(fid, f.title, None, (Review(review.id, fid, _plant(review.text, sentence, rng), None,
                                                      review.rating),))  # fmt: skip
        k = n // len(p.feels)
        q = questions[k % len(questions)]
        q_it = questions[(2 * k + 1) % len(questions)] if p.rotate else q
        if p.rotate:
            q = questions[2 * k % len(questions)]
        cases.append(Case("suitability", q.format(t=f.title), "answer", fid, must=must))
        cases.append(Case("suitability", q_it.format(t="it"), "answer", fid, fid, must=must))
    asked: dict[str, int] = defaultdict(int)
    for fid in ids[46:70]:
        for feel, (_, questions, _, words) in p.feels.items():
            text = " ".join(r.text for r in films[fid].reviews).lower()
            if not set(re.findall(r"[a-z]+", text)) & set(words.split()):
                q = questions[asked[feel] % len(questions)] if p.rotate else questions[0]
                asked[feel] += 1
                cases.append(Case("suitability", q.format(t=films[fid].title), "no", fid))
                break


def _facts(films: dict[str, Film], ids: list[str], rng: random.Random, cases: list[Case], p: Phrasing) -> None:
    for n, fid in enumerate(ids[100:116]):  # facts: f100-f115; ranking plants: f120-f159
        name = _NAMES[n]
        director = n % 2 == 0
        sentence = (p.directed if director else p.stars).format(name=name)
        f = films[fid]
        r = f.reviews[0]
        films[fid] = Film(fid, f.title, None, (Review(r.id, fid, _plant(r.text, sentence, rng), None, r.rating),))
        q = p.director_questions if director else p.lead_questions
        cases.append(Case("fact", q[n // 2 % (len(q) - 1)].format(t=f.title), "answer", fid, must=name))
        cases.append(Case("fact", q[-1], "answer", fid, fid, must=name))  # the last: about "it"
    if not p.rotate:
        for fid in ids[0:8]:
            cases.append(Case("fact", p.director_questions[0].format(t=films[fid].title), "no", fid))
        return
    unnamed = [i for i in ids[:100] if not any(_DIRECTS.search(r.text) for r in films[i].reviews)]
    for n, fid in enumerate(unnamed[:8]):  # the templates about a named film, in turn
        ask = p.director_questions[n % (len(p.director_questions) - 1)]
        cases.append(Case("fact", ask.format(t=films[fid].title), "no", fid))


def _ranking(films: dict[str, Film], ids: list[str], rng: random.Random, cases: list[Case], p: Phrasing) -> None:
    at = 0
    spare = ids[120:160]
    for praise, scorn, best_q, worst_q in p.ranked.values():
        good = [spare[at + k] for k in range(3)]
        bad = [spare[at + 3 + k] for k in range(3)] if scorn else []
        at += 6
        for fid in good + bad:  # said three times: a review that dwells on it
            f = films[fid]
            r = f.reviews[0]
            text = r.text
            for _ in range(3):
                text = _plant(text, praise if fid in good else scorn, rng)
            films[fid] = Film(fid, f.title, None, (Review(r.id, fid, text, None, r.rating),))
        for q in best_q:
            cases.append(Case("ranking", q, "answer", films=tuple(good), avoid=tuple(bad)))
        for q in worst_q:
            cases.append(Case("ranking", q, "answer", films=tuple(bad), avoid=tuple(good)))
    for q in p.unranked:
        cases.append(Case("ranking", q, "no"))


def _recommend(films: dict[str, Film], ids: list[str], rng: random.Random, cases: list[Case], p: Phrasing) -> None:
    panned = tuple(f.id for f in films.values() if all(r.rating == "3/10" for r in f.reviews))
    for q in p.recommend_questions:
        cases.append(Case("recommend", q, "answer", avoid=panned))
    liked = [i for i in [*ids[160:200], *ids[70:100]] if films[i].reviews[0].rating == "8/10"]
    for n, words in enumerate(p.twins):
        a, b = liked[2 * n], liked[2 * n + 1]
        for fid in (a, b):
            f = films[fid]
            r = f.reviews[0]
            text = r.text
            for _ in range(3):  # reviews that talk alike: the same rare things, several times
                parts = words.split()
                rng.shuffle(parts)
                sentence = f"It is all {parts[0]}s and {parts[1]}s, with a {parts[2]}, a {parts[3]} and the {parts[4]}."
                text = _plant(text, sentence, rng)
            films[fid] = Film(fid, f.title, None, (Review(r.id, fid, text, None, r.rating),))
        for x, twin in ((a, b), (b, a)):
            q = p.like_questions[n % len(p.like_questions)]
            cases.append(Case("recommend", q.format(t=films[x].title), "answer", films=(twin,), avoid=(x,)))
    hosts = liked[2 * len(p.twins) :]
    for n, (genre, sentence) in enumerate(p.genres.items()):
        mine = hosts[3 * n : 3 * n + 3]
        for fid in mine:
            f = films[fid]
            r = f.reviews[0]
            films[fid] = Film(fid, f.title, None, (Review(r.id, fid, _plant(r.text, sentence, rng), None, r.rating),))
        for q in p.genre_questions[genre]:
            cases.append(Case("recommend", q, "answer", must=genre))


def _verdict(films: dict[str, Film], ids: list[str], rng: random.Random, cases: list[Case], p: Phrasing) -> None:
    questions = p.verdict_questions
    for n, fid in enumerate([*ids[:16], *ids[-6:]]):
        title = films[fid].title
        if p.rotate:
            q = questions[n % len(questions)]
            cases.append(Case("verdict", q.format(t=title), "answer", fid, None if "{t}" in q else fid))
        elif n % 4 == 3:
            cases.append(Case("verdict", p.verdict_it, "answer", fid, fid))
        else:
            cases.append(Case("verdict", questions[n % 4].format(t=title), "answer", fid))


def _not_understood(films: dict[str, Film], ids: list[str], rng: random.Random, cases: list[Case], p: Phrasing) -> None:
    for n, fid in enumerate(ids[:22]):
        if p.rotate and n < len(p.nonsense):
            cases.append(Case("not understood", p.nonsense[n], "no", None, fid))
            continue
        words = ["".join(rng.choice(_GIBBERISH_LETTERS) for _ in range(rng.randint(4, 8))) for _ in range(n % 3 + 1)]
        cases.append(Case("not understood", " ".join(words) + ("?" if n % 2 else ""), "no", None, fid))
    for q in p.vague:
        cases.append(Case("not understood", q, "no"))


# ---- checking -------------------------------------------------------------------------------------------------

_SAYS_SO = frozenset({Note.NOT_UNDERSTOOD, Note.EMPTY_QUESTION, Note.WHICH_FILM})


def _quotes(answer: Answer) -> list[str]:
    from benchmarks.quality import quoted

    return [q.text for q in quoted(answer)]


def _picked(answer: Answer) -> list[str]:
    if isinstance(answer, FilmRanking):
        return [r.film.id for r in answer.films]
    if isinstance(answer, Picks):
        return [p.film.id for p in answer.picks]
    return []


def check(case: Case, answer: Answer) -> bool:
    """Whether `answer` is the behaviour `case` expects."""
    film = film_of(answer)
    if case.film is not None and (film is None or film.id != case.film):
        return False
    said = " ".join(_quotes(answer))
    if case.must and case.expect == "answer" and case.must.lower() not in said.lower():
        return False
    picked = _picked(answer)
    if set(picked) & set(case.avoid):
        return False
    match case.intent:
        case "sequel":
            if case.expect == "no":
                return isinstance(answer, Comparison) and answer.tally is None
            return isinstance(answer, Comparison) and answer.tally is not None
        case "suitability" | "fact":
            if case.expect == "no":
                return isinstance(answer, Abstain)
            kind = Snippets if case.intent == "suitability" else Fact
            return isinstance(answer, kind)
        case "ranking":
            if case.expect == "no":
                return isinstance(answer, Abstain)
            return isinstance(answer, FilmRanking) and bool(set(picked) & set(case.films))
        case "recommend":
            if not isinstance(answer, Picks) or not answer.picks or any(p.quote is None for p in answer.picks):
                return False
            if any(p.aggregate.label is not Label.POSITIVE for p in answer.picks):
                return False
            return not case.films or bool(set(picked) & set(case.films))
        case "verdict":
            return isinstance(answer, VerdictCard) and all(r.verdict.quote for r in answer.reviews)
        case "not understood":
            # "not understood" in any of the notices that say so and offer an example: no words at all, no film
            # named for a question that needs one, or words that ask nothing
            return isinstance(answer, Notice) and answer.note in _SAYS_SO
    return False


@dataclass
class Result:
    passed: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    total: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    answered: dict[str, tuple[int, int]] = field(default_factory=dict)  # intent: (right, of) for expected answers
    nos: dict[str, tuple[int, int]] = field(default_factory=dict)  # intent: (right, of) for expected honest noes
    failures: list[tuple[Case, str]] = field(default_factory=list)
    films: int = 0
    seconds: float = 0.0

    def rate(self, intent: str) -> float:
        return self.passed[intent] / max(self.total[intent], 1)


def evaluate(built: Built | None = None) -> Result:
    """Ask every question of the set through `Engine.answer` and check its behaviour."""
    from bot.render import text

    t0 = time.perf_counter()
    built = built or build()
    engine = Engine(built.films)
    res = Result(films=len(built.films))
    right: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])

    async def run() -> None:
        for n, case in enumerate(built.cases):
            conversation = f"intent-{n}"
            if case.context is not None:
                await engine.answer(Question(Intent.REVIEW, conversation=conversation, film_id=case.context))
            answer = await engine.answer(Question(Intent.ASK, case.question, conversation))
            ok = check(case, answer)
            if ok and case.intent == "not understood" and case.context is not None:  # the film is still the topic
                after = await engine.answer(Question(Intent.ASK, "and the acting?", conversation))
                ok = (f := film_of(after)) is not None and f.id == case.context
            res.total[case.intent] += 1
            res.passed[case.intent] += ok
            right[case.intent, case.expect][0] += ok
            right[case.intent, case.expect][1] += 1
            if not ok:
                res.failures.append((case, text(answer)[:300]))

    asyncio.run(run())
    for (intent, expect), (ok, of) in right.items():
        (res.answered if expect == "answer" else res.nos)[intent] = (ok, of)
    res.seconds = time.perf_counter() - t0
    return res


def table(res: Result) -> str:
    rows = [f"{'intent':<16}{'questions':>10}{'as expected':>13}{'answers right':>16}{'honest noes right':>20}"]
    for intent in INTENTS:
        a = res.answered.get(intent, (0, 0))
        n = res.nos.get(intent, (0, 0))
        rows.append(f"{intent:<16}{res.total[intent]:>10}{res.rate(intent) * 100:>12.1f}%"
                    f"{f'{a[0]}/{a[1]}':>16}{f'{n[0]}/{n[1]}':>20}")  # fmt: skip
    return "\n".join(rows)


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="The intent test set.")
    ap.add_argument("--failures", action="store_true", help="print every question answered otherwise than expected")
    ap.add_argument("--held-out", action="store_true", help="the phrasings and seed never tuned on")
    ap.add_argument("--fresh", action="store_true", help="the phrasings and seed written before any run")
    ap.add_argument("--fourth", action="store_true", help="the fourth part, written before its first run")
    ap.add_argument("--fifth", action="store_true", help="the fifth part, written before its first run")
    ap.add_argument("--sixth", action="store_true", help="the sixth part, written before its first run")
    args = ap.parse_args(argv)
    if not (data.DATA / "pang_lee" / "movie_reviews.zip").exists():
        print(f"reference data not found: {data.DATA / 'pang_lee'}; the intent test set is skipped.")
        return
    chosen = (
        ("sixth", args.sixth),
        ("fifth", args.fifth),
        ("fourth", args.fourth),
        ("fresh", args.fresh),
        ("held out", args.held_out),
    )
    name = next((n for n, on in chosen if on), "tuning")
    seed, phrasing = PARTS[name]
    res = evaluate(build(seed, phrasing=phrasing))
    print(table(res))
    print(f"({res.films} films, {sum(res.total.values())} questions, {res.seconds:.1f} s)")
    if args.failures:
        for case, shown in res.failures:
            print(f"\n[{case.intent}, expected {case.expect}] {case.question!r}\n  {shown!r}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
