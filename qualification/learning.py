"""The learned readers of a model version: which practice area an enquiry is about, and
whether it is a genuine enquiry at all (not a sales pitch, a recruiter, a job seeker, a
student, phishing, spam, misdirected or automated mail). Both are text classifiers
trained with scikit-learn on the labelled corpus (see ``qualification.corpus``).

A version is trained once, when it is made (``services.qualification_model_train``), and
the fitted classifiers are stored with it as bytes, with their SHA-256 digest. Reading an
enquiry loads them once per process (a few milliseconds) and never trains, so a worker or
a web process answers its first enquiry at once. The same bytes always give the same
answers, so a version stays deterministic.

Features: word unigrams and bigrams, and character n-grams within words (which carry
misspellings, "tribunnal", and word stems across languages), both TF-IDF weighted with
sublinear term frequency; plus a few tokens about the sender (a free mail address, an
organisation given, a link to unsubscribe) that words alone miss. The classifiers are
logistic regressions, so each decision is explainable: the words that pushed it most
are kept as evidence for the basis.
"""

from __future__ import annotations

import hashlib
import io
import pickle
import re
import zlib
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import joblib
import numpy as np
import sklearn
from scipy import sparse
from scipy.special import expit
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from qualification.extraction.base import read_position
from qualification.extraction.position import PositionFindings
from qualification.extraction.text import prepare

if TYPE_CHECKING:
    from qualification.corpus import LabelledEnquiry
    from qualification.extraction import Enquiry

# The classifiers read an enquiry's opening: what someone asks for is there, and the
# time per enquiry stays bounded (a 100 KB paste costs what its first 6,000 characters do).
CLASSIFIER_CHARS = 6_000
# Words whose character n-grams are kept between enquiries (a few MB at most).
WORD_GRAMS_KEPT = 100_000
FREE_MAIL = re.compile(
    r"@(?:gmail|googlemail|hotmail|outlook|live|yahoo|icloud|me|aol|btinternet|sky|"
    r"virginmedia|talktalk|protonmail|proton|gmx|mail|ymail|msn)\.",
    re.IGNORECASE,
)
LINK = re.compile(r"https?://|www\.", re.IGNORECASE)
UNSUBSCRIBE = re.compile(r"unsubscribe|opt[ -]?out|manage (?:your )?preferences", re.IGNORECASE)
# A non-enquiry is only disqualified when the classifier is at least this sure: a genuine
# enquiry must never be disqualified, so doubt counts for the enquirer.
NOT_AN_ENQUIRY_FROM = 0.5
# Mail meant for someone else (a GP surgery, a wedding RSVP, a council) reads like a
# person writing, not like a sales pitch, so the genuine classifier is unsure of it; but
# nothing in it reads as any practice area. Below this best area score (the area
# classifier's decision value), a text is not an enquiry from a lower probability.
NO_AREA_BELOW = -0.6
NOT_AN_ENQUIRY_WITHOUT_AN_AREA_FROM = 0.1
# A genuine enquiry is read as work the firm does not do from this probability (low: few
# examples of each kind of such work, and a wrong "out of scope" costs only a tier C reply).
OUT_OF_SCOPE_FROM = 0.25
# A genuine enquiry in the firm's work is read as worth less than the fees it would cost
# (a general question that needs no paid work, a trivial matter, someone who cannot
# instruct, only exploring) from this probability: tier C where nothing else makes it A.
LITTLE_WORK_FROM = 0.5
# A genuine enquiry the wording rules found no urgency in is read as an emergency from
# this probability (the urgency classifier's: a child's removal abroad, abuse at home,
# an appeal hearing or a completion days away put in words the rules do not know).
EMERGENCY_FROM = 0.85
UNCLASSIFIED_SLUG = "unclassified"
# Words of two letters or more, without digits (sums and dates are read elsewhere).
WORDS = r"(?u)\b[^\W\d_][^\W\d_]+\b"
FORMAT = 5  # bumped when what is stored changes shape
# The positions the position classifier chooses among, for a genuine enquiry ("not a
# buyer" follows the genuine-or-not decision).
POSITIONS = ("decision_maker", "on_behalf", "referrer", "researching", "unknown")
# The wording rules' cues (``extraction.position.position_cues``) and their own reading,
# as features beside the words; in words for the basis.
CUE_LABELS = {
    "referrer": "words of someone introducing a client",
    "researching": "words of someone not yet decided",
    "on_behalf": "words of someone writing for another",
    "deciding_title": "a deciding role in their own words",
    "assisting_title": "a role that prepares rather than decides",
    "ownership": "their own business",
    "withheld": "a caller who would not say who they are",
    "later": "a plan for later",
    "someone_else": "a relative's or friend's matter",
    "without_them": "the person concerned has not asked them",
    "signature_title": "a deciding role in the sign-off",
    "job_title": "a deciding job title",
    "organisation": "a company's writer with a role",
    "organisation_no_role": "a company's writer who gives no role",
    "general_question": "a question put in general terms",
    "very_short": "a message of a few words",
    "short": "a short message",
    "long": "a long message",
    "third_person": "written in the third person",
    "we": "written as 'we'",
    "forwarded": "a forwarded email",
}
RULE_READINGS = (*POSITIONS, "default")
CUE_NAMES = (*CUE_LABELS, *(f"rule_{name}" for name in RULE_READINGS))
# How much a cue weighs against one TF-IDF feature (a row's features have unit length).
CUE_WEIGHT = 0.5


def classifier_text(enquiry: Enquiry) -> str:
    """The text the classifiers read: sender tokens, then the subject and message."""
    text = prepare(subject=enquiry.subject, body=enquiry.message[:CLASSIFIER_CHARS])
    body = text.lower[:CLASSIFIER_CHARS]
    tokens = []
    email = enquiry.email or ""
    if email:
        tokens.append("zzfreemail" if FREE_MAIL.search(email) else "zzworkmail")
    else:
        tokens.append("zznomail")
    if enquiry.organisation.strip():
        tokens.append("zzorganisation")
    if LINK.search(body):
        tokens.append("zzlink")
    if UNSUBSCRIBE.search(body):
        tokens.append("zzunsubscribe")
    words = len(body.split())
    tokens.append("zzshort" if words < 25 else "zzlong" if words > 300 else "zzmedium")
    return " ".join(tokens) + "\n" + body


@dataclass
class Features:
    """Word and character n-gram TF-IDF features side by side (word features first).

    Two vectorisers and a sparse stack rather than scikit-learn's ``FeatureUnion``, whose
    per-call scheduling costs more than the vectorising itself on one short text.
    """

    word: TfidfVectorizer
    char: TfidfVectorizer

    def fit(self, texts: list[str]) -> Features:
        self.word.fit(texts)
        self.char.fit(texts)
        return self

    def transform(self, texts: list[str]):
        return sparse.hstack([self.word.transform(texts), self.char.transform(texts)], format="csr")

    @property
    def word_count(self) -> int:
        return len(self.word.vocabulary_)


def _features() -> Features:
    return Features(
        word=TfidfVectorizer(
            ngram_range=(1, 2),
            min_df=1,
            sublinear_tf=True,
            token_pattern=WORDS,
            dtype=np.float32,
        ),
        char=TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(3, 5),
            min_df=2,
            sublinear_tf=True,
            max_features=60_000,
            dtype=np.float32,
        ),
    )


def _genuine_classifier() -> LogisticRegression:
    # Two classes: a logistic regression fits in a second and gives a probability, which
    # the disqualification threshold needs.
    return LogisticRegression(C=20.0, class_weight="balanced", max_iter=3000)


def _area_classifier() -> LinearSVC:
    # A dozen classes: a linear support vector machine fits in well under a second where a
    # multinomial logistic regression takes many, and reads the areas as well.
    return LinearSVC(C=1.0, class_weight="balanced", random_state=0)


@dataclass
class LearnedReading:
    """What the classifiers make of one enquiry."""

    area_slug: str | None  # None: read as unclassified
    # How far the best area's decision score is ahead of the runner-up's: above about 0.5
    # the classifier is clear, near 0 it is choosing between two.
    area_margin: float
    best: str  # the classifier's best class (a slug or "unclassified")
    area_score: float  # the best class's decision value (below about -0.6: no area at all)
    area_evidence: list[str]
    runner_up: str | None
    not_an_enquiry: float  # probability the text is not a client enquiry
    not_an_enquiry_evidence: list[str]
    # What kind of non-enquiry it most looks like: spam (pitches, phishing, misdirected and
    # automated mail), job_application or student.
    not_an_enquiry_kind: str = "spam"
    # Probability the matter is work the firm does not do (criminal defence, patents and
    # trade marks, clinical negligence against the NHS, regulated financial advice...).
    out_of_scope: float = 0.0
    out_of_scope_evidence: list[str] = field(default_factory=list)
    # The decision position the position classifier reads (set by ``place``; None when
    # the version has no position classifier), how far it is ahead of the runner-up, the
    # words and cues that pushed it most, and the sentence the strongest word is in.
    position: str | None = None
    position_margin: float = 0.0
    position_evidence: list[str] = field(default_factory=list)
    position_sentence: str = ""
    # Written in another language than English (the reader sets it from the language
    # detected): the classifiers learned from English, so finding no practice area in it
    # says nothing about whether it is an enquiry.
    other_language: bool = False
    # Probability the enquiry is worth less than the fees it would cost (a BDM's tier C
    # for a genuine enquiry in the firm's work), and the words that pushed it most.
    little_work: float = 0.0
    little_work_evidence: list[str] = field(default_factory=list)
    # Probability the enquiry is urgent (a deadline within about three weeks or an
    # emergency), and the words that pushed it most.
    urgent: float = 0.0
    urgent_evidence: list[str] = field(default_factory=list)
    row: Any = field(default=None, repr=False, compare=False)

    @property
    def is_out_of_scope(self) -> bool:
        return self.out_of_scope >= OUT_OF_SCOPE_FROM

    @property
    def reads_as_no_work(self) -> bool:
        """Nothing in the text reads as work the firm does, and the genuine classifier
        has its doubts (misdirected mail)."""
        return (
            not self.other_language
            and self.area_score < NO_AREA_BELOW
            and self.not_an_enquiry >= NOT_AN_ENQUIRY_WITHOUT_AN_AREA_FROM
        )

    @property
    def reads_as_little_work(self) -> bool:
        return self.little_work >= LITTLE_WORK_FROM

    @property
    def reads_as_emergency(self) -> bool:
        return self.urgent >= EMERGENCY_FROM

    @property
    def is_enquiry(self) -> bool:
        return self.not_an_enquiry < NOT_AN_ENQUIRY_FROM and not self.reads_as_no_work


@dataclass
class Classifiers:
    """A version's fitted classifiers (sharing one feature space) and what they were
    built from."""

    features: Features
    area: LinearSVC
    genuine: LogisticRegression
    kind: LinearSVC | None = None  # among non-enquiries: which flag
    scope: LogisticRegression | None = None  # among genuine enquiries: out of scope or not
    position: LinearSVC | None = None  # among genuine enquiries: the decision position
    # Among genuine enquiries in the firm's work: worth less than the fees (tier C) or not.
    little_work: LogisticRegression | None = None
    # Among genuine enquiries: urgent (high urgency) or not.
    urgency: LogisticRegression | None = None
    report: dict[str, Any] = field(default_factory=dict)
    _word_names: Any = None
    _weights: dict[str, tuple[Any, Any]] = field(default_factory=dict, repr=False)
    _analysers: list[tuple[Any, dict[str, int], Any]] = field(default_factory=list, repr=False)
    # Each word's character n-grams by vocabulary index, found once per process.
    _word_grams: dict[str, tuple[Any, Any]] = field(default_factory=dict, repr=False)

    def row(self, text: str):
        """One text's features, the values ``Features.transform`` gives (sublinear TF-IDF,
        each vectoriser's part of unit length), counted directly: scikit-learn's checks
        and conversions on each call cost more than the counting on one short text."""
        vectorisers = (self.features.word, self.features.char)
        if not all(v.sublinear_tf and v.use_idf and v.norm == "l2" for v in vectorisers):
            return self.features.transform([text])
        if not self._analysers:
            self._analysers = [
                (v.build_analyzer(), v.vocabulary_, np.asarray(v.idf_, dtype=np.float32))
                for v in vectorisers
            ]
        indices, data = [], []
        offset = 0
        for vectoriser, (analyse, vocabulary, idf) in zip(
            vectorisers, self._analysers, strict=True
        ):
            if vectoriser.analyzer == "char_wb":
                found, tf = self._char_counts(vectoriser, text)
            else:
                # Counted in C; the n-grams keep the order they are first seen in, as
                # counting them one by one did (the unit length sums them in that order).
                counts = {
                    vocabulary[token]: times
                    for token, times in Counter(analyse(text)).items()
                    if token in vocabulary
                }
                found = np.fromiter(counts, dtype=np.int32, count=len(counts))
                tf = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
            if len(found):
                values = (np.log(tf) + np.float32(1)) * idf[found]
                values /= np.float32(np.sqrt(np.dot(values, values)))
                order = np.argsort(found)
                indices.append(found[order] + offset)
                data.append(values[order])
            offset += len(idf)
        if not indices:
            return sparse.csr_matrix((1, offset), dtype=np.float32)
        values = np.concatenate(data)
        return sparse.csr_matrix(
            (values, np.concatenate(indices), np.array([0, len(values)])), shape=(1, offset)
        )

    def _char_counts(self, vectoriser: TfidfVectorizer, text: str):
        """The character n-grams of ``analyzer="char_wb"`` found in the vocabulary and
        their counts (two arrays), in the order the n-grams are first seen: its n-grams
        never cross a word, so each distinct word's are found once (and kept for the
        next text) and counted as often as the word occurs."""
        grams = self._word_grams
        if len(grams) > WORD_GRAMS_KEPT:
            grams.clear()
        vocabulary = vectoriser.vocabulary_
        # The analyser's own steps: its preprocessing (lower case), then words split on
        # white space as ``_char_wb_ngrams`` splits them.
        words = Counter(vectoriser.build_preprocessor()(text).split())
        parts, numbers, lengths = [], [], []
        for word in words:
            found = grams.get(word)
            if found is None:
                within: dict[int, int] = {}
                for gram in vectoriser._char_wb_ngrams(word):
                    index = vocabulary.get(gram)
                    if index is not None:
                        within[index] = within.get(index, 0) + 1
                found = grams[word] = (
                    np.fromiter(within, dtype=np.int32, count=len(within)),
                    np.fromiter(within.values(), dtype=np.int64, count=len(within)),
                )
            parts.append(found[0])
            numbers.append(found[1])
            lengths.append(len(found[0]))
        if not parts:
            return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
        every = np.concatenate(parts)
        times = np.repeat(np.fromiter(words.values(), dtype=np.int64, count=len(words)), lengths)
        unique, first, inverse = np.unique(every, return_index=True, return_inverse=True)
        totals = np.bincount(inverse, weights=np.concatenate(numbers) * times)
        seen = np.argsort(first)  # back to the order of first sight
        return unique[seen], totals[seen].astype(np.float32)

    def _scores(self, name: str, row, cues=None):
        """A linear model's decision values for one TF-IDF row (and the position cues):
        what ``decision_function`` gives, without its per-call checks and the copy of
        the weights they made, which cost more than the sums themselves."""
        if name not in self._weights:
            model = getattr(self, name)
            self._weights[name] = (
                np.ascontiguousarray(model.coef_.T),
                np.asarray(model.intercept_, dtype=np.float32),
            )
        transposed, intercept = self._weights[name]
        scores = row.data @ transposed[row.indices] + intercept
        if cues is not None:
            scores = scores + cues @ transposed[row.shape[1] :]
        return scores

    def _probability(self, name: str, row, label: int) -> float:
        """A binary logistic regression's probability of ``label`` for the row."""
        model = getattr(self, name)
        positive = float(expit(self._scores(name, row)[0]))
        return positive if model.classes_[1] == label else 1.0 - positive

    def place(self, reading: LearnedReading, findings: PositionFindings, message: str) -> None:
        """Read the writer's decision position into ``reading``, from the words and the
        wording rules' cues (``findings``); ``message`` gives the evidence sentence."""
        if self.position is None or reading.row is None:
            return
        row = reading.row
        cues = cue_values(findings)
        scores = self._scores("position", row, cues)
        order = np.argsort(-scores)
        best = int(order[0])
        reading.position = str(self.position.classes_[best])
        reading.position_margin = round(float(scores[best] - scores[int(order[1])]), 3)
        coef = self.position.coef_[best]
        words = self._evidence(row, coef, limit=3)
        cue_weights = coef[row.shape[1] :]
        found = sorted(
            (float(cue_weights[index]), CUE_NAMES[index])
            for index in np.flatnonzero(cues)
            if cue_weights[index] > 0
        )
        labels = [CUE_LABELS[name] for _weight, name in reversed(found) if name in CUE_LABELS]
        reading.position_evidence = labels[:2] + [f"'{word}'" for word in words[:2]]
        reading.position_sentence = sentence_with(message, words)

    def read(self, enquiry: Enquiry) -> LearnedReading:
        row = self.row(classifier_text(enquiry))
        not_an_enquiry = self._probability("genuine", row, 0)
        scores = self._scores("area", row)
        order = np.argsort(-scores)
        best = int(order[0])
        slug = str(self.area.classes_[best])
        out_of_scope = 0.0
        scope_evidence: list[str] = []
        if self.scope is not None:
            out_of_scope = self._probability("scope", row, 1)
            if out_of_scope >= OUT_OF_SCOPE_FROM:
                scope_evidence = self._evidence(row, self.scope.coef_[0])
        reading = LearnedReading(
            row=row,
            area_slug=slug if slug != UNCLASSIFIED_SLUG else None,
            area_margin=round(float(scores[best] - scores[int(order[1])]), 3),
            best=slug,
            area_score=round(float(scores[best]), 3),
            area_evidence=[],
            runner_up=str(self.area.classes_[int(order[1])]),
            not_an_enquiry=round(not_an_enquiry, 3),
            not_an_enquiry_evidence=[],
            out_of_scope=round(out_of_scope, 3),
            out_of_scope_evidence=scope_evidence,
        )
        if reading.area_slug:
            reading.area_evidence = self._evidence(row, self.area.coef_[best])
        if self.little_work is not None:
            reading.little_work = round(self._probability("little_work", row, 1), 3)
            if reading.reads_as_little_work:
                reading.little_work_evidence = self._evidence(row, self.little_work.coef_[0])
        if self.urgency is not None:
            reading.urgent = round(self._probability("urgency", row, 1), 3)
            if reading.reads_as_emergency:
                reading.urgent_evidence = self._evidence(row, self.urgency.coef_[0])
        if not reading.is_enquiry:
            reading.not_an_enquiry_evidence = self._evidence(row, -self.genuine.coef_[0])
            if self.kind is not None:
                kinds = self._scores("kind", row)
                reading.not_an_enquiry_kind = str(self.kind.classes_[int(np.argmax(kinds))])
        return reading

    def _evidence(self, row, coef, limit: int = 4) -> list[str]:
        """The words in the text that pushed a classifier most towards its answer."""
        if self._word_names is None:
            self._word_names = self.features.word.get_feature_names_out()
        names = self._word_names
        words = row.indices < len(names)
        indices = row.indices[words]
        if not len(indices):
            return []
        contributions = row.data[words] * coef[indices]
        chosen: list[str] = []
        for position in np.argsort(-contributions, kind="stable"):
            name = str(names[indices[position]])
            if contributions[position] <= 0 or len(chosen) == limit:
                break
            if name.startswith("zz") or any(part in ENGLISH_STOP_WORDS for part in name.split()):
                continue
            if any(name in other or other in name for other in chosen):
                continue
            chosen.append(name)
        return chosen


def train(examples: list[LabelledEnquiry]) -> Classifiers:
    """Fit both classifiers on the labelled examples (deterministic for the same examples)."""
    from qualification.corpus import item_key

    examples = sorted(examples, key=lambda item: (item.source_set, item.id, item_key(item)))
    texts = [classifier_text(item.enquiry) for item in examples]
    genuine_labels = np.array([int(item.labels.is_enquiry) for item in examples])
    if len(set(genuine_labels)) < 2:
        raise ValueError("Training needs both genuine enquiries and non-enquiries.")
    features = _features().fit(texts)
    matrix = features.transform(texts)
    genuine = _genuine_classifier().fit(matrix, genuine_labels)
    area_labels = [item.labels.practice_area for item in examples if item.labels.is_enquiry]
    if len(set(area_labels)) < 2:
        raise ValueError("Training needs genuine enquiries in at least two practice areas.")
    area = _area_classifier().fit(matrix[genuine_labels == 1], area_labels)
    kinds = [_kind(item) for item in examples if not item.labels.is_enquiry]
    kind = (
        _area_classifier().fit(matrix[genuine_labels == 0], kinds) if len(set(kinds)) > 1 else None
    )
    keys = sorted(item_key(item) for item in examples)
    report = {
        "format": FORMAT,
        "scikit_learn": sklearn.__version__,
        "examples": len(examples),
        "genuine": int(genuine_labels.sum()),
        "not_enquiries": int(len(examples) - genuine_labels.sum()),
        "by_set": _count(item.source_set for item in examples),
        "areas": _count(area_labels),
        "examples_digest": hashlib.sha256("\n".join(keys).encode()).hexdigest(),
        "example_keys": keys,
    }
    genuine_examples = [item for item in examples if item.labels.is_enquiry]
    scope_labels = np.array([int(_out_of_scope(item)) for item in genuine_examples])
    scope = (
        _genuine_classifier().fit(matrix[genuine_labels == 1], scope_labels)
        if 0 < scope_labels.sum() < len(scope_labels)
        else None
    )
    report["not_enquiry_kinds"] = _count(kinds)
    report["out_of_scope"] = int(scope_labels.sum())
    placed = [
        (row, item)
        for row, item in enumerate(examples)
        if item.labels.is_enquiry and item.labels.position in POSITIONS
    ]
    position = None
    if len({item.labels.position for _row, item in placed}) > 1:
        cues = sparse.vstack([cue_row(_rule_position(item)) for _row, item in placed])
        position_matrix = sparse.hstack([matrix[[row for row, _item in placed]], cues], "csr")
        position = _position_classifier().fit(
            position_matrix, [item.labels.position for _row, item in placed]
        )
        report["positions"] = _count(item.labels.position for _row, item in placed)
    # Worth less than the fees: the BDM's tier C among genuine enquiries in work the firm
    # does (out-of-scope work is C for its own reason, read by ``scope``).
    in_scope = [
        (row, item)
        for row, item in enumerate(examples)
        if item.labels.is_enquiry and not _out_of_scope(item)
    ]
    little_labels = np.array([int(item.labels.tier == "C") for _row, item in in_scope])
    little_work = (
        _genuine_classifier().fit(matrix[[row for row, _item in in_scope]], little_labels)
        if 0 < little_labels.sum() < len(little_labels)
        else None
    )
    report["little_work"] = int(little_labels.sum())
    genuine_rows = [row for row, item in enumerate(examples) if item.labels.is_enquiry]
    urgent_labels = np.array([int(examples[row].labels.urgency == "high") for row in genuine_rows])
    urgency = (
        _genuine_classifier().fit(matrix[genuine_rows], urgent_labels)
        if 0 < urgent_labels.sum() < len(urgent_labels)
        else None
    )
    report["urgent"] = int(urgent_labels.sum())
    for model in (area, genuine, kind, scope, position, little_work, urgency):
        _compact(model)
    return Classifiers(
        features=features,
        area=area,
        genuine=genuine,
        kind=kind,
        scope=scope,
        position=position,
        little_work=little_work,
        urgency=urgency,
        report=report,
    )


def _position_classifier() -> LinearSVC:
    return LinearSVC(C=1.0, random_state=0)


def _compact(model) -> None:
    """Keep a fitted linear model's weights in single precision: half the bytes to store
    and load, the same decisions to six significant figures."""
    if model is not None:
        model.coef_ = np.ascontiguousarray(model.coef_, dtype=np.float32)
        model.intercept_ = np.asarray(model.intercept_, dtype=np.float32)


def _rule_position(item: LabelledEnquiry) -> PositionFindings:
    """The wording rules' reading of a labelled enquiry's position, as a reader has it
    for a genuine enquiry (no sales-pitch phrase taken for a supplier)."""
    enquiry = item.enquiry
    return read_position(enquiry, prepare(subject=enquiry.subject, body=enquiry.message))


def cue_values(findings: PositionFindings):
    """The wording rules' cues and reading as values beside the words (``CUE_NAMES``)."""
    names = set(findings.cues)
    rule = str(findings.position)
    names.add(f"rule_{rule}" if findings.evidence or rule != "decision_maker" else "rule_default")
    return np.array([CUE_WEIGHT if name in names else 0.0 for name in CUE_NAMES], np.float32)


def cue_row(findings: PositionFindings):
    """``cue_values`` as one sparse row, for training."""
    return sparse.csr_matrix(cue_values(findings).reshape(1, -1))


_SENTENCES = re.compile(r"[^.!?\n]+[.!?]?")


def sentence_with(message: str, words: list[str], limit: int = 160) -> str:
    """The first sentence of the message holding the first of ``words`` (as written)."""
    if not words:
        return ""
    pattern = re.compile(r"\b" + r"\W+".join(map(re.escape, words[0].split())) + r"\b", re.I)
    for match in _SENTENCES.finditer(message[:CLASSIFIER_CHARS]):
        sentence = " ".join(match.group().split())
        if pattern.search(sentence):
            return sentence if len(sentence) <= limit else sentence[: limit - 1] + "…"
    return ""


def _out_of_scope(item: LabelledEnquiry) -> bool:
    return "out_of_scope" in item.labels.flags or item.labels.practice_area == "criminal"


def _kind(item: LabelledEnquiry) -> str:
    for flag in ("job_application", "student", "spam"):
        if flag in item.labels.flags:
            return flag
    return "spam"


def _count(values) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return dict(sorted(counts.items()))


# What the stored bytes start with: the project's own pickle (protocol 5) compressed with
# zlib at its fastest level. Unpickling it costs a tenth of what joblib's reader took (31
# ms against 300 ms for the same objects); versions stored before (joblib, formats 2 and
# 3) are still read.
MAGIC = b"leadtrack-classifiers\n"
READABLE_FORMATS = (2, 3, 4, FORMAT)


def dump(classifiers: Classifiers) -> tuple[bytes, str]:
    """The classifiers as bytes to store with the version, and their SHA-256 digest."""
    stored = {
        "format": FORMAT,
        "features": classifiers.features,
        "area": classifiers.area,
        "genuine": classifiers.genuine,
        "kind": classifiers.kind,
        "scope": classifiers.scope,
        "position": classifiers.position,
        "little_work": classifiers.little_work,
        "urgency": classifiers.urgency,
    }
    blob = MAGIC + zlib.compress(pickle.dumps(stored, protocol=5), 1)
    return blob, hashlib.sha256(blob).hexdigest()


# Loaded classifiers by digest: each version's bytes are unpickled once per process.
_LOADED: dict[str, Classifiers] = {}


def loaded(digest: str) -> Classifiers | None:
    """The classifiers with this digest if this process has loaded them already."""
    return _LOADED.get(digest)


def load(blob: bytes | memoryview, digest: str) -> Classifiers:
    """The version's classifiers from their stored bytes (unpickled once per process)."""
    if digest in _LOADED:
        return _LOADED[digest]
    blob = bytes(blob)
    if hashlib.sha256(blob).hexdigest() != digest:
        raise ValueError("The stored classifiers do not match their digest; retrain the version.")
    # The bytes are the project's own, written by ``dump`` to its own database and checked
    # against their digest above, so unpickling them runs nothing foreign.
    if blob.startswith(MAGIC):
        stored = pickle.loads(zlib.decompress(blob[len(MAGIC) :]))  # noqa: S301
    else:
        stored = joblib.load(io.BytesIO(blob))  # a version stored before format 4
    if not isinstance(stored, dict) or stored.get("format") not in READABLE_FORMATS:
        raise ValueError("The stored classifiers are in an older format; retrain the version.")
    classifiers = Classifiers(
        features=stored["features"],
        area=stored["area"],
        genuine=stored["genuine"],
        kind=stored["kind"],
        scope=stored["scope"],
        position=stored.get("position"),  # none before format 3: the wording rules read it
        little_work=stored.get("little_work"),  # none before: the tier's rules alone
        urgency=stored.get("urgency"),  # none before: the wording rules alone
    )
    if len(_LOADED) >= 8:
        _LOADED.pop(next(iter(_LOADED)))
    _LOADED[digest] = classifiers
    return classifiers
