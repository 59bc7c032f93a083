"""Every sentence a chat user or admin can read. Nothing else builds user-facing text."""

from __future__ import annotations

# --- engine -------------------------------------------------------------------

# --- discord adapter ------------------------------------------------------------

# --- slack adapter --------------------------------------------------------------

# --- featured posts -------------------------------------------------------------
