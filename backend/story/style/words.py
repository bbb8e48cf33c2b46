"""The English words that carry point of view and tense, and the word lists the
detectors and the bias are built from."""

from __future__ import annotations

POV_WORDS = {
    "first": ("I", "me", "my", "mine", "myself", "I'm", "I'd", "I've", "I'll"),
    "second": ("you", "your", "yours", "yourself", "you're", "you'd"),
    "third": ("he", "she", "him", "her", "his", "hers", "himself", "herself", "they", "them"),
}
PAST_WORDS = (
    "was",
    "were",
    "had",
    "did",
    "said",
    "looked",
    "went",
    "came",
    "felt",
    "knew",
    "saw",
    "could",
    "would",
    "thought",
    "took",
    "made",
    "got",
    "found",
    "told",
    "left",
    "stood",
    "ran",
    "heard",
    "began",
    "turned",
    "walked",
    "seemed",
    "wanted",
    "asked",
)
PRESENT_WORDS = (
    "is",
    "are",
    "has",
    "does",
    "says",
    "looks",
    "goes",
    "comes",
    "feels",
    "knows",
    "sees",
    "can",
    "will",
    "thinks",
    "takes",
    "makes",
    "gets",
    "finds",
    "tells",
    "stands",
    "runs",
    "hears",
    "begins",
    "turns",
    "walks",
    "seems",
    "wants",
    "asks",
    "am",
)


def word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Chinese marks person with single characters (我们 and 他们 are plurals of 我 and 他).
POV_CHARACTERS = {"first": ("我",), "second": ("你", "您"), "third": ("他", "她")}
PERSON_SETS = {p: {w.lower() for w in ws} | set(POV_CHARACTERS[p]) for p, ws in POV_WORDS.items()}
# Common irregular past forms (besides PAST_WORDS). Forms that are also present or base
# forms ("read", "put", "cut", "let", "set", "hit") are left out: they prove nothing.
IRREGULAR_PAST = word_set(
    """
    ate awoke bade became befell began bent bet bit bled blew bore bought bound bred brought
    broke built burnt caught chose clung crept dealt drank drew drove dug dwelt fed fell felt
    fled flew flung fought forbade forgave forgot forsook froze gave grew ground hid held hung
    kept knelt knew laid lay leapt learnt led left lent lit lost meant met mistook paid rang
    rode rose ran sang sank sat saw shook shone shot shrank slept slid slung smote sold sought
    spat spent spoke sprang stole stood strode struck stuck stung swam swept swore swung taught
    thought threw told took tore trod understood wept woke won wore wound wove wrote withdrew
    """
) | {w.lower() for w in PAST_WORDS}
# Words ending in -ed that are not past forms.
NOT_PAST_ED = word_set(
    "indeed hundred hundreds naked wicked sacred kindred rugged ragged crooked beloved "
    "wretched learned exceed proceed succeed"
)
# After these a past form is a participle ("has left") or an adjective ("her left hand").
PARTICIPLE_AFTER = frozenset(
    {"has", "have", "is", "are", "am", "be", "been", "being", "the", "a", "an", "her", "his"}
    | {"my", "your", "their", "its", "our"}
)
ADVERBS = frozenset({"never", "not", "already", "just", "always", "also", "only", "still"})
PRESENT_SET = frozenset(w.lower() for w in PRESENT_WORDS)
SUBJECTS = frozenset({"he", "she", "it", "i", "you", "we", "they"})
PLURAL_SUBJECTS = frozenset({"i", "you", "we", "they"})
BASE_VERBS = word_set(
    "walk look turn feel see know think want hear stand sit wait watch need open close take "
    "make hold keep try move start stop run go come leave find tell say ask reach pull push "
    "stare smile laugh cry wonder remember forget realise realize hope wish"
)
