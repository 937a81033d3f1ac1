"""Language: which language an enquiry is written in, so one in Welsh, Urdu, Romanian or
Polish is said to be so in the basis instead of being silently unclassified.

Detection is lingua (``lingua-language-detector``), restricted to the languages a UK
firm's enquiries come in, in its low-accuracy mode (trigram models: about 60 MB and half a
second to load, under a millisecond per enquiry once loaded). Most enquiries are plainly
English; those are recognised first from their commonest words, without lingua, so a
typical enquiry costs nothing here and the detector is loaded only when it is needed (the
first enquiry in another language in a process, about half a second of CPU). It is not
loaded at worker start: each of a worker's processes would hold its 60 MB whether or not a
foreign enquiry ever came. lingua has no model for Scottish Gaelic and reads it as
Irish; the two are told apart by their accents (Scottish Gaelic writes grave accents,
Irish acute ones) and a few very common words.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

# What is read to decide (the opening of a message says which language it is in).
SAMPLE_CHARS = 2_000
# At least this share of the words are among English's commonest: English, no detector.
ENGLISH_SHARE = 0.22
# A language is named only when lingua is at least this confident.
CONFIDENCE = 0.5
# Fewer letters than this cannot be told apart reliably ("need will"): taken as English.
MIN_LETTERS = 12

ENGLISH = "en"
# ISO 639-1 code: the name a person reads in the basis.
NAMES = {
    "en": "English",
    "cy": "Welsh",
    "ga": "Irish",
    "gd": "Scottish Gaelic",
    "ur": "Urdu",
    "pa": "Punjabi",
    "hi": "Hindi",
    "bn": "Bengali",
    "gu": "Gujarati",
    "ar": "Arabic",
    "fa": "Persian",
    "so": "Somali",
    "pl": "Polish",
    "ro": "Romanian",
    "lt": "Lithuanian",
    "lv": "Latvian",
    "bg": "Bulgarian",
    "ru": "Russian",
    "uk": "Ukrainian",
    "fr": "French",
    "de": "German",
    "es": "Spanish",
    "pt": "Portuguese",
    "it": "Italian",
    "nl": "Dutch",
    "tr": "Turkish",
    "zh": "Chinese",
    "ta": "Tamil",
    "el": "Greek",
    "sq": "Albanian",
    "hu": "Hungarian",
    "cs": "Czech",
    "sk": "Slovak",
}
# English's commonest words, leaving out those other languages share ("a", "i", "am" are
# Welsh, Polish and Romanian words too).
_ENGLISH_WORDS = frozenset(
    "the and or of to in on for with at by from is are was were be been my me we "
    "our us you your he she his her it its they their them this that these those have has "
    "had do does did not no can could would should will shall may might must need want "
    "please hi hello dear thanks thank regards about if as so but there what when which who "
    "how just also get got any some would like help "
    # The words of the firm's work, so a terse note ("conveyancing quote pls") is English.
    "quote quotation advice legal solicitor solicitors lawyer accountant accounts tax vat "
    "house flat property sale sell selling buy buying purchase lease rent landlord tenant "
    "will wills probate estate divorce custody child children contract dispute claim "
    "employment dismissed redundancy tribunal settlement agreement company business director "
    "shares payroll audit return hmrc visa immigration injury accident court hearing "
    "urgent asap pls plz thx cost costs fee fees price much call back phone number email "
    "bed semi detached mortgage completion exchange deadline".split()
)
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_GAELIC_WORDS = frozenset("tha agus chan bha airson nach mi sinn leam dhomh cuideachadh".split())
_IRISH_WORDS = frozenset("tá agus níl bhí chun nach mé muid liom dom cabhair".split())


@dataclass(frozen=True)
class LanguageFindings:
    code: str = ENGLISH  # ISO 639-1
    confidence: float = 1.0
    detected: bool = False  # False: taken as English without the detector

    @property
    def name(self) -> str:
        return NAMES.get(self.code, self.code)

    @property
    def is_english(self) -> bool:
        return self.code == ENGLISH


@lru_cache(maxsize=1)
def _detector():
    """lingua's detector over the languages named above (built once per process)."""
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, code.upper()) for code in NAMES if code != "gd"]
    return (
        LanguageDetectorBuilder.from_iso_codes_639_1(*codes)
        .with_low_accuracy_mode()
        .with_preloaded_language_models()
        .build()
    )


def _gaelic_or_irish(sample: str) -> str:
    graves = sum(sample.count(mark) for mark in "àèìòù")
    acutes = sum(sample.count(mark) for mark in "áéíóú")
    words = set(_WORD.findall(sample.lower()))
    gaelic = graves + len(words & _GAELIC_WORDS)
    irish = acutes + len(words & _IRISH_WORDS)
    return "gd" if gaelic > irish else "ga"


def find_language(text: str) -> LanguageFindings:
    """The language the text is written in (English when it cannot be told)."""
    sample = text[:SAMPLE_CHARS]
    words = _WORD.findall(sample.lower())
    letters = sum(len(word) for word in words)
    if letters < MIN_LETTERS:
        return LanguageFindings()
    english = sum(word in _ENGLISH_WORDS for word in words)
    if english / len(words) >= ENGLISH_SHARE:
        return LanguageFindings()
    values = _detector().compute_language_confidence_values(sample)
    if not values:
        return LanguageFindings()
    best = values[0]
    code = best.language.iso_code_639_1.name.lower()
    if best.value < CONFIDENCE:
        return LanguageFindings(confidence=round(best.value, 2), detected=True)
    if code == "ga":
        code = _gaelic_or_irish(sample)
    return LanguageFindings(code=code, confidence=round(best.value, 2), detected=True)


def basis_line(found: LanguageFindings) -> str:
    """What the basis says about the language ("" for English)."""
    if found.is_english:
        return ""
    return (
        f"Written in {found.name} (detected, {found.confidence:.0%} confidence): "
        "read by someone who reads it before relying on this assessment"
    )
