"""qa-bot: answers patients' questions by quoting and citing a clinic's own articles.

    from qa_bot import Bot, load_config
    bot = Bot.from_config(load_config())
    answer = bot.ask("Can Botox help with chronic migraines?")
    answer.status, answer.citations, answer.to_dict()
"""

from .answer import Answer, Bot, Citation
from .config import Config, load_config
from .engine import Engine
from .errors import ConfigError, CorpusError, IndexStoreError, QaBotError, UsageError

__version__ = "0.1.0"
__all__ = ["Answer", "Bot", "Citation", "Config", "ConfigError", "CorpusError", "Engine", "IndexStoreError",
           "QaBotError", "UsageError", "load_config"]
