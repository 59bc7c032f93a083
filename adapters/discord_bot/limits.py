"""Discord's limits, which discord.py does not check (https://discord.com/developers/docs/resources/message,
https://discord.com/developers/docs/interactions/message-components)."""

from __future__ import annotations

# embeds
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
EMBED_TOTAL_MAX = 6000
CONTENT_MAX = 2000

# components: at most 5 action rows, each of up to 5 buttons or one select menu
ROWS_MAX = 5
ROW_BUTTONS_MAX = 5
BUTTON_LABEL_MAX = 80
CUSTOM_ID_MAX = 100
SELECT_OPTIONS_MAX = 25
OPTION_LABEL_MAX = 100
OPTION_VALUE_MAX = 100
OPTION_DESCRIPTION_MAX = 100
PLACEHOLDER_MAX = 150

# application commands: autocomplete choices, and the lengths our options accept
CHOICES_MAX = 25
CHOICE_MAX = 100
TITLE_OPTION_MAX = 200
REVIEWER_OPTION_MAX = 100
QUESTION_OPTION_MAX = 1000
TIME_OPTION_MAX = 20
TIMEZONE_OPTION_MAX = 64
