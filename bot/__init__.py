"""reviewbot's platform-neutral core: corpus, title resolution, answers."""
