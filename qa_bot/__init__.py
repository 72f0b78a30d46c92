"""qa-bot: answers patients' questions by quoting and citing a clinic's own articles.

    from qa_bot import Bot, load_config
    bot = Bot.from_config(load_config())
    answer = bot.ask("Can Botox help with chronic migraines?")
    answer.status, answer.citations, answer.to_dict()
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"
# What the package exports, and the module each comes from: imported when first used, so that
# `qa-bot --help` or `import qa_bot.errors` does not import the whole bot (numpy, the triage rules...).
_EXPORTS = {"Answer": "answer", "Bot": "answer", "Citation": "answer", "Config": "config", "load_config": "config",
            "Engine": "engine", "ConfigError": "errors", "CorpusError": "errors", "IndexStoreError": "errors",
            "QaBotError": "errors", "UsageError": "errors"}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
