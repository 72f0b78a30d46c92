"""Small talk: a message that is only greetings, thanks, goodbyes or questions about the bot.

Not a pattern: a message is small talk when its words are a run of known phrases, checked word by
word (see :func:`is_smalltalk`), so no message can make it slow.
"""

from __future__ import annotations


def _spellings(template: str) -> list[str]:
    """Every text a template spells: ``{a|b}`` is one of a or b, ``[a]`` is a or nothing; they nest.

    ``"thank{s|} [so much]"`` -> ``["thanks ", "thanks so much", "thank ", "thank so much"]``.
    """

    def choice(i: int, close: str | None) -> tuple[list[str], int]:
        options, current = [], [""]
        while i < len(template):
            c = template[i]
            if c in "{[":
                inner, i = choice(i + 1, "}" if c == "{" else "]")
                current = [a + b for a in current for b in ([""] + inner if c == "[" else inner)]
            elif c == "|":
                options, current, i = options + current, [""], i + 1
            elif c == close:
                return options + current, i + 1
            else:
                current, i = [a + c for a in current], i + 1
        return options + current, i

    return choice(0, None)[0]


# Whole messages that are only small talk, after folding, punctuation dropped and text-speak read as
# words (so "thank u" and "see ya" are "thank you" and "see you"). Several in a row ("ok thanks,
# bye") are still small talk. Those in ADDRESSED may be followed by a name or a "please": "cheers
# mate", "thanks bot", "help please".
ADDRESSEES = frozenset({"bot", "mate", "buddy", "pal", "love", "dear", "folks", "there", "please", "pls"})
ADDRESSED = (
    "{hi|hello|hey|hiya|howdy|greetings|good {morning|afternoon|evening|day}|morning|afternoon|evening|yo}",
    "{thank|thanks|thank you|thankyou|thx|ty|ta|cheers|many thanks}[ {{so|very|ever so} much|a lot|a million|again}]"
    "[ for {the|your|all your|all the} {help|info|information|answer|answers}]",
    "{bye|goodbye|good bye|bye bye|see you|farewell|take care|good night}[ {then|now|for now|later}]",
    "{how|can} [can ]you help[ me]",
    "help",
)
UNADDRESSED = (
    "{that|this|it|you}{|'s|s|'ve been| was| is| has been| have been| were| are| 're} [{very|really|so|super} ]"
    "{helpful|great|useful|perfect|clear|amazing|brilliant|lovely|fab|fantastic|informative|kind}",
    "{that|this|it|you} {help|helped|helps|answer my question|answers my question|makes sense}[ {a lot|me|a bit|so much}]",
    "have a {nice|good|great|lovely} {day|evening|night|weekend|one}",
    "{who|what} {made|built|created|programmed|wrote} you", "what{'s| is} your name", "nice to meet you",
    "{who|what} are you", "who am i {talking|speaking|chatting} {to|with}",
    "is {this|that} a {bot|robot|real person|human}",
    "what can you do", "what do you do",
    "what {can|do} you {help|answer}[ me][ with]", "what {can|should} i ask[ you][ about]",
    "what {sort|kind|type}[s] of {things|questions|stuff} {can|should|do} i ask[ you][ about]",
    "can i ask [you ]{a|some} question[s]", "i have a question",
    "what {can|do} you know[ about]",
    "are you [{a|an} ][real ]{bot|robot|human|real|person|computer|machine|ai|chatbot}",
    "how are you[ doing][ today]", "how's it going", "what's up", "sup", "wassup", "ok", "okay", "great", "cool",
    "got it", "i see", "understood", "perfect", "awesome", "good", "lovely", "brilliant", "no thank[s]",
    "{no|nope} {that's|thats} {all|it}",
)
# Each phrase as its words -> whether a name or "please" may follow it.
PHRASES = {tuple(text.split()): False for template in UNADDRESSED for text in _spellings(template)}
PHRASES |= {tuple(text.split()): True for template in ADDRESSED for text in _spellings(template)}


def _lengths_by_first_word(phrases) -> dict[str, tuple[int, ...]]:
    lengths: dict[str, set[int]] = {}
    for words in phrases:
        lengths.setdefault(words[0], set()).add(len(words))
    return {word: tuple(sorted(n)) for word, n in lengths.items()}


# The lengths of the phrases that start with each word: the only ones worth trying there.
PHRASE_LENGTHS = _lengths_by_first_word(PHRASES)


def _sup(word: str) -> bool:
    """'sup', 'ssup', 'whatsup', 'watsssup': "what's up" written as one word."""
    return word.endswith("sup") and word[:-2].rstrip("s") in ("", "what", "wat")


def is_smalltalk(bare: str) -> bool:
    """Whether the words of ``bare`` (single spaces, no punctuation) are a run of small-talk phrases.

    Dynamic programming over word positions: ``reach[i]`` says the first ``i`` words are a run of
    phrases. Each reachable position tries the few phrase lengths that start with its word, so the
    work is linear in the number of words.
    """
    words = ["sup" if _sup(w) else w for w in bare.split()]
    if not words:
        return False
    n = len(words)
    reach = [True] + [False] * n
    furthest = 0  # the furthest position reached so far
    for i in range(n):
        if i > furthest:
            return False  # no run of phrases gets past this word
        if not reach[i]:
            continue
        for length in PHRASE_LENGTHS.get(words[i], ()):
            j = i + length
            addressed = PHRASES.get(tuple(words[i:j])) if j <= n else None
            if addressed is None:
                continue
            end = j + 1 if addressed and j < n and words[j] in ADDRESSEES else j
            reach[j] = reach[end] = True
            furthest = max(furthest, end)
    return reach[n]


# Text-speak is read as the words it stands for before matching small talk: "r u a bot", "what can u do".
TEXT_SPEAK_WORDS = {"u": "you", "r": "are", "ur": "your", "ya": "you", "wat": "what", "wot": "what"}


def _bare(text: str) -> str:
    """The words of ``text`` for small talk: punctuation dropped ("ok, thanks. goodbye!" -> "ok
    thanks goodbye"), single spaces, text-speak read as words, also between apostrophes ("u're").

    String methods rather than patterns: a question full of punctuation or of "u u u" costs a pass
    over its characters, not an RE2 call per match.
    """
    kept = "".join(c if c.isalnum() or c in "_' " else " " for c in text)
    return " ".join("'".join(TEXT_SPEAK_WORDS.get(part, part) for part in word.split("'")) for word in kept.split())


def smalltalk(text: str) -> bool:
    """Whether ``text`` (respelled, see text.py) is only small talk."""
    return is_smalltalk(_bare(text))
