"""Every sentence a chat user or admin can read. Nothing else builds user-facing text."""

from __future__ import annotations

# --- engine -------------------------------------------------------------------

HELP = """I answer questions about films from our review corpus.

/review TITLE     the review: verdict, summary and highlights
/verdict TITLE    positive, mixed or negative, with the sentence that says so
/ask QUESTION     e.g. "how is the soundtrack in Radiant Reflections?"
/list             the films I know
/help             this message

Typos are fine: "celestial symphny" finds Celestial Symphony. After asking about a
film, follow up without naming it again: "and the visuals?\""""

EMPTY_TITLE = "Which film? Try `/review TITLE`, for example `/review {example}`."
EMPTY_QUESTION = "Ask me something about a film, for example `how is the music in {example}?`"
NOT_FOUND = "I don't have a review of “{query}”."
NOT_FOUND_SUGGEST = "I don't have a review of “{query}”. Did you mean: {titles}?"
AMBIGUOUS = "“{query}” could be more than one film. Which one did you mean?"
DID_YOU_MEAN = "I'm not sure which film “{query}” is."  # the adapters list the films offered
NOT_FOUND_RELATED = "I don't have a review of “{query}”. I have: {titles}."
UNKNOWN_FILM = "That film is no longer in the corpus."
EMPTY_CORPUS = "No reviews are loaded yet, so I can't answer questions about films."
STILL_READING = (
    "I'm still reading the reviews (the first start on a large corpus takes a few minutes). Ask me again shortly."
)
NO_SNIPPETS = "The reviews of {title} don't talk about {topic}."
NO_SNIPPETS_ONE = "The review of {title} doesn't talk about {topic}."
NO_SNIPPETS_ANY = (
    "None of the reviews talk about {topic}. Try naming a film, or ask about music, visuals, acting or story."
)
THAT = "that"
ON_TOPIC = "On {topic}:"
NOT_A_SEQUEL = "{title} is not a sequel, so there is no original to compare it with."
NO_COMPARISON = "The reviews of {title} don't compare it with the original."
NO_COMPARISON_ONE = "The review of {title} doesn't compare it with the original."
FACT_LINE = {
    "director": "Directed by {names}, the reviews say.",
    "cast": "With {names}, the reviews say.",
    "writer": "Written by {names}, the reviews say.",
    "composer": "Music by {names}, the reviews say.",
}
FACT_TOPICS = {
    "director": "who directed it",
    "cast": "who is in it",
    "writer": "who wrote it",
    "composer": "who wrote the music",
}
RANKING_NOUN = "Films whose reviews praise the {topic} most:"
RANKING_NOUN_WORST = "Films whose reviews criticise the {topic} most:"
RANKING_FEEL = "Films the reviews find most {topic}:"
RANKING_FEEL_WORST = "Films the reviews find least {topic}:"
RANKED = "{n}. {film}"
PICKS = "Films the reviews rate well:"
PICKS_LIKE = "Films whose reviews talk like those of {title}:"
PICKS_GENRE = "{genre} films the reviews rate well:"
NO_PICKS_LIKE = "No other film's reviews talk like those of {title}."
PICK_ONE = "{label} (one review)"
GENRE_TOPIC = "{genre} films"
LIST_HEADER = "I have reviews of {count} films:"
LIST_MORE = "…and {count} more."
TRUNCATED = "(your message was long, so I read only the first {limit} characters)"
INTERNAL_ERROR = "Sorry, something went wrong while answering. Please try again."
NOTICES = {
    "help": HELP,
    "still_reading": STILL_READING,
    "empty_corpus": EMPTY_CORPUS,
    "empty_title": EMPTY_TITLE,
    "empty_question": EMPTY_QUESTION,
    "not_understood": "I didn't understand that. Try a question like `how is the music in {example}?`",
    "which_film": "Which film do you mean? Name it in the question, for example `is {example} good for kids?`",
    "unknown_film": UNKNOWN_FILM,
    "error": INTERNAL_ERROR,
}

VERDICT_WORDS = {"positive": "Positive", "mixed": "Mixed", "negative": "Negative"}
VERDICT_LINE = "Verdict: {label} ({confidence:.0%} confident)"
SEQUEL_WORDS = {
    "better": "better than the original",
    "as_good": "as good as the original",
    "worse": "not as good as the original",
    "unclear": "compared with the original",
}
SEQUEL_LINE = "Sequel: {comparison}"
SEQUEL_SPLIT = "Sequel: the reviews disagree: {counts}"  # "1 says better than the original, 1 not as good"
SEQUEL_SPLIT_PARTS = {"better": "{n} better", "as_good": "{n} as good", "worse": "{n} not as good"}
ASPECT_WORDS = {
    "story": "Story",
    "pacing": "Pacing",
    "acting": "Characters & acting",
    "visuals": "Visuals",
    "effects": "Effects",
    "music": "Music & score",
    "sequel": "Against the original",
}
HIGHLIGHT_WORDS = {
    "story": "Story & pacing",
    "acting": "Characters & acting",
    "visuals": "Visuals & effects",
    "music": "Music & score",
}
PAGE = "Page {page} of {pages}"
REVIEWED_BY = "Reviewed by {reviewer}"
RATING = "Rating: {rating}"

# --- cards: the headings and labels every platform shows ------------------------------------

TITLE_HELP = "Help"
TITLE_FILMS = "Films"
TITLE_NOT_FOUND = "Not found"
TITLE_AMBIGUOUS = "Which film did you mean?"
TITLE_DID_YOU_MEAN = "Did you mean this film?"
TITLE_ANSWER = "From the reviews"
TITLE_RANKING = "Films compared"
TITLE_PICKS = "You might like"
TITLE_ERROR = "Sorry"
TITLE_FEATURED = "Featured review"
AGGREGATE_LINE = "{label}: {positive} of {total} reviews positive"
AGGREGATE_MIXED = ", {count} mixed"
AGGREGATE_SCORE = " · average rating {score}/100 ({rated} rated)"
SEQUEL_TALLY = "Sequel: {count} of {total} reviews say it is {comparison}"
CONSENSUS = "What the reviewers say"
REVIEWS_HEADING = "Reviews ({count})"
REVIEW_LINE = "{reviewer}: {verdict}"
INFERRED = "{label} ({confidence:.0%} confident)"
ANONYMOUS = "Anonymous"
REVIEW_MENU = "Read a review…"
REVIEW_OPTION = "Review by {reviewer}"
FULL_REVIEW_BY = "Review by {reviewer}"
BUTTON_FULL = "Full review"
BUTTON_VERDICT = "Verdict"
BUTTON_REVIEW = "Review"
SIDES_NOTE = "The reviewers disagree about this."
SIDE_GOOD = "For"
SIDE_BAD = "Against"
NO_SUCH_REVIEWER = "{title} has no review by “{reviewer}”. Its reviewers: {reviewers}."

# --- corpus (for admins: `reviewbot corpus check`) ---------------------------------

CORPUS_NO_DIR = "corpus folder not found: create it or set `corpus:` in the config file"
CORPUS_UNREADABLE = "cannot read the file: {reason}"
CORPUS_NOT_UTF8 = "not UTF-8 text: save the file as UTF-8"
CORPUS_UNCLOSED_FRONT_MATTER = "front matter starts with `---` but has no closing `---` line"
CORPUS_BAD_YAML = "front matter is not valid YAML: {problem}"
CORPUS_FRONT_MATTER_NOT_MAPPING = "front matter must be `key: value` lines"
CORPUS_UNKNOWN_FIELD = "unknown field `{key}`: use title, year, aliases, sequel_of, reviewer, rating or verdict"
CORPUS_BAD_FIELD = {  # {value}: the value's repr, shortened
    "title": "`title` must be text, got {value}",
    "year": "`year` must be a year like 1999, got {value}",
    "aliases": '`aliases` must be a list of titles, like ["Alt Title"], got {value}',
    "sequel_of": "`sequel_of` must be the original film's title, got {value}",
    "reviewer": "`reviewer` must be text, got {value}",
    "rating": "`rating` must be like 4/5, 8/10 or B+, got {value}",
    "verdict": "`verdict` must be positive, mixed or negative, got {value}",
}
CORPUS_BAD_RATING = "`rating` {value} is not a rating: use forms like 4/5, 8/10, 85%, 3.5 stars or B+"
CORPUS_EMPTY_BODY = "the review text is empty"
CORPUS_NO_TITLE = "no title found: add front matter with `title:` (rename to .md), or start the text with the title"
IMPORT_NOT_A_SOURCE = "not a .csv, .jsonl file or a folder"
IMPORT_NO_TEXT = "no review text: add a `text` column"
IMPORT_NOT_AN_OBJECT = "not a JSON object"
IMPORT_BAD_JSON = "not valid JSON: {problem}"
IMPORT_BAD_CSV = "not valid CSV: {problem}"
IMPORT_UNKNOWN_COLUMN = "unknown column `{key}`: use title, year, text, aliases, sequel_of, reviewer, rating or verdict"
IMPORT_DUPLICATE = "the same review of “{title}” is already in {other}"
CORPUS_DUPLICATE = "the same review text as {other}: remove one of the two files"
CORPUS_NO_YEAR = "“{title}” has no `year`, and the corpus has {others}: add `year:` to say which film it reviews"
CORPUS_SPELT_OTHERWISE = "“{title}” is read as the same film as “{other}” ({first}): both are loaded as its reviews"
CORPUS_SEQUEL_CONFLICT = "`sequel_of` is “{value}”, but another review of this film says “{other}”: make them agree"
CORPUS_TOO_LARGE = "the file is {size}, over the {limit} limit of a review file: shorten or split it"
CORPUS_LINK_OUTSIDE = "a link to {target}, outside the corpus folder: only files inside it are read"
CORPUS_LINK_BROKEN = "a link to {target}, which does not exist"
CORPUS_NOT_A_FILE = "not a regular file (a pipe, device or link to a folder): nothing to read"
CORPUS_CHANGED = "the file was replaced while it was being read: check the corpus again"
CORPUS_FOLDER_UNREADABLE = "cannot read the folder: {reason}"
CORPUS_KEPT = "{problem} (answering from the version read before until it is fixed)"
CORPUS_KEPT_FOLDER = "{problem} (answering from the {count} review file(s) read from it before)"
CORPUS_UNSAFE_YAML = "front matter uses YAML that reviews may not use: {problem}"
CORPUS_TITLE_NO_WORDS = "the title {title} has no letters or digits: give the film's name"
IMPORT_NO_SOURCE = "cannot read the source: {reason}"
IMPORT_NO_DEST = "cannot write to the corpus folder: {reason}"
IMPORT_DEST_BROKEN_LINK = "a link to a folder that does not exist"
IMPORT_CANNOT_WRITE = "could not write the review: {reason}"
IMPORT_ROW_TOO_LARGE = "the row is over {limit} (a review holds at most {review}): it was not read"
IMPORT_FIELD_TOO_LARGE = "`{key}` is {size}, over the {limit} limit of a field"
IMPORT_UNCLOSED_QUOTE = 'a quote (") opened in this row is never closed: the row is skipped, the rows after it are read'
IMPORT_UNCLOSED_QUOTE_TO_END = (
    'a quote (") opened in this row is never closed, so lines {first}–{last} read as one row: close the quote'
)
IMPORT_CSV_SPAN = "not valid CSV (lines {first}–{last}, a stray quote may have joined rows): {problem}"
IMPORT_TOO_DEEP = "not valid JSON: nested too deeply"
IMPORT_BAD_VALUE = "`{key}` must be text or a number, got {kind}"
IMPORT_BAD_KEY = "a column name must be text of at most 40 characters"
IMPORT_SURROGATE = "`{key}` holds an invalid character (an unpaired surrogate such as \\ud800): it was not read"

# --- reloading the corpus (/reload, SIGHUP, the folder watcher) -------------------------

RELOAD_ADDED = ("+{n} review", "+{n} reviews")  # one, many
RELOAD_CHANGED = ("{n} changed", "{n} changed")
RELOAD_REMOVED = ("{n} removed", "{n} removed")
RELOAD_PROBLEMS = ("{n} problem", "{n} problems")
RELOAD_NO_CHANGES = "no changes"
RELOAD_DONE = "Reloaded the reviews: {summary}. Answering from {reviews} reviews of {films} films."
RELOAD_PROBLEM = "• {problem}"
RELOAD_MORE_PROBLEMS = "…and {count} more: `reviewbot corpus check` on the server lists them all."
RELOAD_FAILED = "The reviews could not be reloaded (the bot's log says why). I'm answering from the ones loaded before."
RELOAD_ADMINS_ONLY = "Only server or workspace admins can reload the reviews."
TITLE_RELOAD = "Reload"

# --- console and command line ---------------------------------------------------------

CONSOLE_BANNER = "reviewbot console: {count} films loaded. Ask a question, or type /help. /quit leaves (or Ctrl-D)."
CLI_CORPUS_PROBLEMS = "{count} review file(s) skipped; run `reviewbot corpus check` for details."
CLI_CORPUS_OK = "{path}: {reviews} of {films}, no problems."
CLI_CORPUS_BAD = "{path}: {reviews} of {films} loaded, {problems} problem(s):"
CLI_CONFIG_ERROR = "Config error: {error}"
CLI_NO_PLATFORMS = "No DISCORD_TOKEN or SLACK_BOT_TOKEN set: starting the console chat."
CLI_WOULD_START = "Would start: {what}"
CLI_CHECK_OK = "Config OK ({source})."
CLI_CHECK_DEFAULTS = "defaults: no config file at {path}"
CLI_CHECK_CORPUS = "Corpus folder: {path}"
CLI_CORPUS_EMPTY = (
    "Warning: {path} holds no review files, so the bot would answer that no reviews are loaded. "
    "Add .md or .txt files there (a running bot picks them up), or point `corpus:` at your reviews."
)
CLI_NO_CORPUS = (
    "The corpus folder {path} does not exist (config: {config}). Create it, or set `corpus:` in the config "
    "file, REVIEWBOT_CORPUS or --corpus. A relative path in the config file is read from the file's folder; "
    "one in REVIEWBOT_CORPUS or --corpus from the working directory ({cwd})."
)
CLI_BAD_CREDENTIAL = "{name} does not look right: {hint}"
CLI_CREDENTIAL_HINTS = {
    "DISCORD_TOKEN": "a Discord bot token has three dot-separated parts (Developer Portal > Bot > Reset Token)",
    "SLACK_BOT_TOKEN": "a Slack bot token starts with xoxb- (OAuth & Permissions > Bot User OAuth Token)",
    "SLACK_APP_TOKEN": "a Slack app-level token starts with xapp- (Basic Information > App-Level Tokens)",
    "SLACK_SIGNING_SECRET": "a Slack signing secret is 32 hex characters (Basic Information > Signing Secret)",
}
CLI_SLACK_NEEDS_MODE = (
    "SLACK_BOT_TOKEN is set, but Slack needs SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)."
)
CLI_INTERRUPTED = "Stopped."
CLI_IMPORT_DONE = "Imported {written} of {total} reviews into {dest}; {skipped} skipped."
CLI_STORAGE_ERROR = "Database error: {error}. Check database.url (REVIEWBOT_DATABASE_URL) and that the server is up."
CLI_SQLITE_ERROR = "Database error: {error}."
CLI_NO_PLATFORM_LEFT = (
    "No platform can run ({names}: see the error above for each). Fix the credentials or the setting it names, "
    "then start reviewbot again."
)
HEALTH_CANNOT_LISTEN = (
    "health: cannot listen on {host}:{port} ({reason}). Set health.port (REVIEWBOT_HEALTH_PORT) to a free port, "
    "or health.enabled: false to run without /healthz, /readyz and /metrics."
)
CLI_STOPPING = "Stopping ({signal}): finishing the answers and featured posts in flight (at most {seconds:.0f} s)."
STORE_SQLITE_DAMAGED = (
    "{path} is not a usable SQLite database ({error}). Stop every reviewbot using it, then move the file aside "
    "(with its -wal and -shm files, if any) to start afresh without subscriptions and featured history, "
    "or put back a backup"
)

# --- discord adapter ------------------------------------------------------------

DISCORD_STALE_ACTION = "That button or menu no longer works. Try the command again."
DISCORD_CMD_REVIEW = "What the reviewers thought of a film"
DISCORD_CMD_VERDICT = "The reviewers' verdict on a film, with the sentence behind each"
DISCORD_CMD_ASK = "Ask anything about the reviewed films"
DISCORD_CMD_LIST = "The films I have reviews of"
DISCORD_CMD_HELP = "How to use this bot"
DISCORD_OPT_TITLE = "The film's title"
DISCORD_OPT_REVIEWER = "Read one reviewer's review of the film"
DISCORD_OPT_QUESTION = "Your question, e.g. 'How are the visuals in Celestial Symphony?'"
DISCORD_CMD_FEATURED = "The daily featured review in this channel"
DISCORD_CMD_FEATURED_SUBSCRIBE = "Post a featured review here every day (needs Manage Server)"
DISCORD_CMD_FEATURED_UNSUBSCRIBE = "Stop this channel's daily featured review (needs Manage Server)"
DISCORD_CMD_FEATURED_STATUS = "When this channel's featured review is posted"
DISCORD_CMD_FEATURED_TODAY = "Show today's featured review"
DISCORD_OPT_TIME = "Time of day, 24-hour HH:MM, e.g. 09:00"
DISCORD_OPT_TIMEZONE = "Time zone, e.g. Europe/Paris or America/New_York"
DISCORD_CMD_RELOAD = "Read the review files again and answer from them (needs Manage Server)"
DISCORD_FEATURED_GUILD_ONLY = "Featured reviews are posted in server channels: use /featured in a channel of a server."

DISCORD_TOKEN_REJECTED = (
    "Discord rejected DISCORD_TOKEN (401 Unauthorized): it is wrong, or was reset. In the Developer Portal "
    "(Applications > your bot > Bot > Reset Token) make a new one, set DISCORD_TOKEN to it and restart. "
    "Discord stays off until then; the other platforms keep answering."
)
DISCORD_INTENT_MISSING = (
    "Discord refused the Message Content intent, which discord.message_content: true needs. Enable it in the "
    "Developer Portal (Bot > Privileged Gateway Intents > Message Content Intent), or set "
    "discord.message_content: false (slash commands still work), then restart. Discord stays off until then."
)
DISCORD_GATEWAY_REFUSED = (
    "Discord's gateway refused the connection for good (close code {code}: {reason}). Check discord.shard_count "
    "and discord.shard_ids, then restart. Discord stays off until then."
)

# --- slack adapter --------------------------------------------------------------

SLACK_TRUNCATED = "(shortened: too long for one Slack message)"
SLACK_MISSING_BOT_TOKEN = "Slack needs SLACK_BOT_TOKEN in the environment."
SLACK_MISSING_SIGNING_SECRET = (
    "Slack HTTP mode needs SLACK_SIGNING_SECRET in the environment (or set SLACK_APP_TOKEN for Socket Mode)."
)
SLACK_BOT_TOKEN_REJECTED = (
    "Slack rejected SLACK_BOT_TOKEN ({code}). Copy the Bot User OAuth Token (xoxb-…) from OAuth & Permissions "
    "(reinstall the app to the workspace if it was removed), set SLACK_BOT_TOKEN to it and restart. "
    "Slack stays off until then; the other platforms keep answering."
)
SLACK_APP_TOKEN_REJECTED = (
    "Slack rejected SLACK_APP_TOKEN ({code}). In the app's settings, make an app-level token (xapp-…) with the "
    "connections:write scope (App-Level Tokens) and check that Socket Mode is on; set SLACK_APP_TOKEN to it and "
    "restart. Slack stays off until then; the other platforms keep answering."
)
# The engine's HELP with the workspace's command names; Slack has no /list command.
SLACK_HELP = """I answer questions about films from our review corpus.

`{review} TITLE`  the review: verdict, summary and highlights
`{review} TITLE by NAME`  one reviewer's whole review
`{verdict} TITLE`  positive, mixed or negative, with the sentence that says so
`{ask} QUESTION`  e.g. "how is the soundtrack in Radiant Reflections?"
Mention me with `list`  the films I know
`{help}`  this message{featured}

Typos are fine: "celestial symphny" finds Celestial Symphony. After asking about a
film, follow up without naming it again: "and the visuals?\""""
SLACK_HELP_FEATURED = (
    "\n`{featured} today`  today's featured review (admins: `{featured} subscribe 09:00 Europe/Paris`)"
)

# --- featured posts -------------------------------------------------------------

FEATURED_BAD_TIME = "“{value}” is not a time of day. Use 24-hour HH:MM, for example 09:00 or 18:30."
FEATURED_BAD_TIMEZONE = (
    "“{value}” is not a time zone I know. Use an IANA name such as Europe/Paris, America/New_York or UTC."
)
FEATURED_USAGE = (
    "Usage: /featured subscribe HH:MM TIMEZONE (e.g. 09:00 Europe/Paris), /featured unsubscribe, "
    "/featured status, or /featured today for a preview."
)
FEATURED_ADMINS_ONLY = "Only server or workspace admins can change featured-review posts here."
FEATURED_SUBSCRIBED = "This channel will get a featured review every day at {time} ({timezone})."
FEATURED_UNSUBSCRIBED = "This channel will no longer get featured reviews."
FEATURED_NOT_SUBSCRIBED = (
    "This channel has no featured reviews. An admin can start them with /featured subscribe 09:00 Europe/Paris."
)
FEATURED_STATUS = "Featured review every day at {time} ({timezone}). Next one: {next}."
FEATURED_TODAY = "Today's featured review: {title}"
FEATURED_POST = "Featured review of the day"


def counted(n: int, noun: str) -> str:
    """`n` and `noun`, plural unless one: "1 review", "5 reviews"."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"
