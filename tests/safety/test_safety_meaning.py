"""The meaning layer: the int8 encoder against the original model, the logistic fit, how the
scanner merges and limits proposals, the shipped head on wording no pattern has, training."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import re
import threading
from pathlib import Path

import numpy as np
import pytest
from shared_data import DEV_SET, Proposes

from bot.safety import encoder as encoder_module
from bot.safety import normalize as normalize_module
from bot.safety.detector import Detector
from bot.safety.encoder import MODEL_DIR, Encoder, shared_encoder
from bot.safety.hidden_layer import fit_hidden_layer
from bot.safety.near_duplicates import KeptLines
from bot.safety.normalize import normalize as real_normalize
from bot.safety.onnx_graph import build_graph
from bot.safety.rules import CLEAR, Category, Proposal
from bot.safety.scanner import MAX_WAITING, SEMANTIC_RULE, SafetyScanner, load_meaning_layer
from bot.safety.semantic import (
    CLEAR_BELOW,
    SemanticHead,
    fit_logistic,
    load_head,
    quantise_rows,
)
from bot.safety.train_semantic import REFERENCE_FILE, train

HERE = Path(__file__).resolve().parent
REFERENCE = json.loads((MODEL_DIR / REFERENCE_FILE).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def encoder() -> Encoder:
    return shared_encoder()


@pytest.fixture(scope="module")
def scanner(detector: Detector) -> SafetyScanner:
    layer = load_meaning_layer()
    assert layer is not None, "the shipped model files must load"
    return SafetyScanner(detector, layer)


# --- encoder -------------------------------------------------------------------------------


def test_a_loaded_encoder_keeps_no_copy_of_its_model() -> None:
    """The session has the weights; the Python side must not keep the 22 MB model it was
    built from (ONNX Runtime's session holds its bytes unless told otherwise): what a new
    encoder leaves allocated in Python is its tokenizer's small change, not the model."""
    import gc
    import tracemalloc

    tracemalloc.start()
    try:
        fresh = Encoder()
        gc.collect()
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak > 20 * 2**20  # the model was built here (the figure below is not vacuous)
    assert kept < 5 * 2**20, kept
    assert fresh.encode(["still reads"]).shape == (1, fresh.dimensions)


def test_encoder_reproduces_the_original_model(encoder: Encoder) -> None:
    """Vectors made by the float32 model the int8 copy came from, for three texts, one of them
    French with an emoji (kept beside the weights; ``train-semantic --fine-tune`` writes them):
    the int8 copy, run with integer kernels, must point the same way (the original model:
    0.9962-0.9978; the weights widened to float32 gave 0.9994-0.9996)."""
    ours = encoder.encode(REFERENCE["texts"])
    theirs = np.asarray(REFERENCE["vectors"], dtype=np.float32)
    cosines = (ours * theirs).sum(axis=1)
    assert cosines.min() > 0.995, cosines
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_encoder_batches_give_the_same_vectors_as_one_at_a_time(encoder: Encoder) -> None:
    texts = ["ok", "a much longer message " * 20, "he went quiet again", ""]
    together = encoder.encode(texts)
    alone = np.vstack([encoder.encode([t]) for t in texts])
    assert np.allclose(together, alone, atol=1e-5)


def test_encoder_products_are_exact_on_this_cpu(encoder: Encoder) -> None:
    """The kernel the encoder picked gives what the exact (slow) uint8 x uint8 one does: no
    16-bit saturation on a CPU without VNNI (``int8_products_are_exact``)."""
    with np.load(MODEL_DIR / "minilm-l6-int8.npz") as packed:
        graph = build_graph(dict(packed), signed_weights=False)
    exact = encoder_module._session(graph, 1)
    for text in [*REFERENCE["texts"], "he went quiet again and i am scared for him"]:
        ids = np.array([encoder._tokenizer.encode(text).ids], dtype=np.int64)
        mask = np.ones(ids.shape, dtype=np.float32)
        (expected,) = exact.run(["vectors"], {"input_ids": ids, "attention_mask": mask})
        assert np.array_equal(encoder.forward(ids, mask), expected), text


def test_encoder_places_meaning_not_words(encoder: Encoder) -> None:
    a, b, c = encoder.encode(
        [
            "i wish i could just stop existing",
            "some days i want to disappear and never come back",
            "i want to disappear into the kitchen and bake all weekend",
        ]
    )
    assert float(a @ b) > float(a @ c)


# --- the fit -------------------------------------------------------------------------------


def test_logistic_fit_reaches_the_optimum_and_separates_classes() -> None:
    rng = np.random.default_rng(7)
    x = np.vstack([rng.normal(-1, 1, (200, 5)), rng.normal(1, 1, (60, 5))])
    y = np.array([False] * 200 + [True] * 60)
    w, b = fit_logistic(x, y, c=10.0)
    p = 1 / (1 + np.exp(-(x @ w + b)))
    # Balanced weights and an L2 penalty of 1/C: the gradient vanishes at the answer.
    weight = np.where(y, len(y) / (2 * 60), len(y) / (2 * 200))
    grad_w = x.T @ (weight * (p - y)) + w / 10.0
    grad_b = float((weight * (p - y)).sum())
    assert np.abs(grad_w).max() < 1e-4 and abs(grad_b) < 1e-4
    assert ((p >= 0.5) == y).mean() > 0.9


def test_hidden_layer_learns_what_no_single_logistic_can() -> None:
    """Two labels, each set where the two inputs disagree (XOR): no line through the
    embedding separates them; one hidden layer must."""
    rng = np.random.default_rng(3)
    x = rng.choice([-1.0, 1.0], size=(600, 2)) + rng.normal(0, 0.1, (600, 2))
    xor = (x[:, 0] > 0) != (x[:, 1] > 0)
    marks = np.stack([xor, ~xor], axis=1)
    layer, weights, bias = fit_hidden_layer(x, marks, units=16)
    p = 1 / (1 + np.exp(-(layer.features(x) @ weights + bias)))
    assert ((p >= 0.5) == marks).mean() > 0.95
    w, b = fit_logistic(x, xor)
    assert ((x @ w + b >= 0) == xor).mean() < 0.75


def test_kept_lines_finds_near_repeats_and_nothing_else() -> None:
    kept = KeptLines(
        [
            "he has not said one word to me since sunday and i am falling apart here",
            "ik kan niet meer, ik wil er niet meer zijn",
        ]
    )
    assert kept.near("honestly he has not said one word to me since sunday and i am done")
    assert kept.near("ik kan niet meer. ik wil er niet meer zijn!!")
    assert not kept.near("she went quiet again after dinner, third time this week")
    assert not kept.near("ik ga morgen naar de markt met mijn zus")


# --- merging proposals -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def patterns(detector: Detector) -> Detector:
    return detector


def test_a_proposal_adds_a_whole_message_hit_at_concern(patterns: Detector) -> None:
    text = "everything feels pointless lately and i am so tired"
    found = SafetyScanner(patterns, Proposes("crisis")).scan(text)
    assert found.categories == {"crisis"} and found.severity == "concern"
    (hit,) = found.hits
    assert (hit.rule, hit.start, hit.end) == (SEMANTIC_RULE, 0, len(text))


def test_a_proposal_is_raised_by_the_escalators(patterns: Detector) -> None:
    found = SafetyScanner(patterns, Proposes("crisis")).scan(
        "i have made up my mind and tonight is when it stops"
    )
    assert found.severity_of("crisis") == "imminent"


def test_a_proposal_never_removes_or_weakens_a_pattern_hit(patterns: Detector) -> None:
    text = "i want to k1ll mys3lf tonight"
    alone = patterns.scan(text)
    merged = SafetyScanner(patterns, Proposes("crisis")).scan(text)
    assert merged == alone  # the category was already there: nothing added


def test_a_clear_reading_overrules_abuse_sign_hits_only(patterns: Detector) -> None:
    """``[meaning] overrule``: an abuse sign's words the model reads as clearly none (here a
    stand-in that reads everything so) are dropped; crisis and danger stand whatever it
    reads, and an abuse-sign hit made imminent does too."""
    clear = SafetyScanner(patterns, Proposes(*CLEAR.values()))
    silence = "he has gone quiet on me every single time we argue for two years now"
    assert patterns.scan(silence).categories == {"abuse_sign"}
    assert not clear.scan(silence).flagged
    for kept in (
        "i want to die is the chorus my kid sings all day from that musical",
        "my partner hits me, should we do couples therapy?",
    ):
        assert patterns.scan(kept).flagged, kept
        assert clear.scan(kept) == patterns.scan(kept), kept
    both = "he shoved me into the door and now he won't speak to me for days, like always"
    found = clear.scan(both)
    assert patterns.scan(both).categories == {"danger", "abuse_sign"}
    assert found.categories == {"danger"} and found.severity == patterns.scan(both).severity


def test_exclusions_and_the_veto_hold_back_proposals(patterns: Detector) -> None:
    crisis_only = SafetyScanner(patterns, Proposes("crisis"))
    assert not crisis_only.scan("my sister says she wants to disappear, what do i say?").flagged
    veto_only = "i might quietly leave the group chat this week 🙈"  # no exclusion covers it
    assert not crisis_only.scan(veto_only).flagged
    assert crisis_only.scan(veto_only.replace(" 🙈", "")).flagged
    layer = Proposes("crisis", "danger")
    scanner = SafetyScanner(patterns, layer)
    assert not scanner.scan("i want to crawl under my desk forever lol").flagged
    assert not scanner.scan("we watched a film about a breakup 😂 so dramatic").flagged
    assert not scanner.scan("ok same").flagged  # shorter than min_words: not even read
    assert "ok same" not in layer.read


@pytest.mark.parametrize(
    "text",
    [
        # household_means and medicine_as_directed guard the means patterns' own words
        "i washed the big kitchen knife and put it away, and lately the quiet in my head feels"
        " like the only thing left",
        "sorted my weekly pill organiser this morning and the whole time the quiet in my head"
        " felt like the only thing left",
    ],
)
def test_an_exclusion_limited_to_some_patterns_leaves_a_proposal_alone(
    patterns: Detector, text: str
) -> None:
    """Exclusions with ``rules`` explain away those patterns' hits, not what the model read
    elsewhere in the message; an exclusion for every hit still holds a proposal back."""
    norm = real_normalize(text)
    limited = [
        e for e in patterns.rules.exclusions if e.rules and re.search(e.regex, norm) is not None
    ]
    assert limited and not patterns.scan(text).flagged  # the case this is about
    assert SafetyScanner(patterns, Proposes("crisis")).scan(text).categories == {"crisis"}
    assert not patterns.excluded(norm, "crisis")


class ReadsWords:
    """A stand-in meaning layer that proposes crisis for a text holding any of ``words``."""

    def __init__(self, *words: str) -> None:
        self.words = words
        self.read: list[str] = []

    def categories(self, texts: list[str], levels: list[str]) -> list[Proposal]:
        self.read += texts
        return [frozenset({"crisis"} if any(w in t for w in self.words) else ()) for t in texts]


DENIAL_THEN_WISH = "not suicidal but if a bus clipped me on the way home i wouldnt mind"
DENIAL_ALONE = "not suicidal, just sad about the silence at home again"


def test_an_exclusion_span_explains_away_only_itself(patterns: Detector) -> None:
    """Label rules: "If a signal follows the denial, the signal wins". The negation's span is
    blanked and the rest read again; a past told as over in one sentence explains it all."""
    assert patterns.exclusion_spans(real_normalize(DENIAL_THEN_WISH), "crisis")
    layer = ReadsWords("suicidal", "wouldnt mind")
    scanner = SafetyScanner(patterns, layer)
    assert scanner.scan(DENIAL_THEN_WISH).categories == {"crisis"}
    assert layer.read[-1] == "but if a bus clipped me on the way home i wouldnt mind"
    assert not scanner.scan(DENIAL_ALONE).flagged
    assert layer.read[-1] == ", just sad about the silence at home again"
    past = "years ago i was suicidal but these days i wouldnt mind a quiet weekend"
    assert patterns.exclusion_spans(real_normalize(past), "crisis") == [(0, len(past))]
    read_before = len(layer.read)
    assert not scanner.scan(past).flagged and len(layer.read) == read_before + 1


def test_a_past_told_as_over_explains_away_its_own_sentence(patterns: Detector) -> None:
    """A past told as over, a household or kitchen word (``scope = "sentence"``) explains the
    sentence it is in, not a present risk in the next: "my family cut me off years ago" must
    not silence "nobody would notice if i was gone" beside it (blind_40). The rest is read
    again; a one-sentence message stays explained as a whole."""
    layer = ReadsWords("wish i could just vanish")
    scanner = SafetyScanner(patterns, layer)
    now = "we split years ago and that part is done. some nights i wish i could just vanish"
    assert patterns.exclusion_spans(real_normalize(now), "crisis") == [(0, 40)]
    assert scanner.scan(now).categories == {"crisis"}
    assert layer.read[-1] == ". some nights i wish i could just vanish"
    over = "we split years ago and that part is done. some nights i just sit in the car for an hour"
    assert not scanner.scan(over).flagged
    assert layer.read[-1] == over  # nothing proposed in it, so nothing read again
    said = "that was years ago and it is over. i wouldnt mind not waking up though"
    assert patterns.scan(said).categories == {"crisis"}  # the patterns too: the next sentence


async def test_the_model_thread_reads_the_rest_again_too(patterns: Detector) -> None:
    scanner = SafetyScanner(patterns, ReadsWords("suicidal", "wouldnt mind"))
    assert (await scanner.scan_async(DENIAL_THEN_WISH)).categories == {"crisis"}
    assert not (await scanner.scan_async(DENIAL_ALONE)).flagged


def test_laughter_about_a_real_plan_is_still_read(patterns: Detector) -> None:
    """Label rules: gallows humour about a real plan is still crisis; the veto's ``unless``
    (the same macros as the laughter exclusions') lets the model read it."""
    crisis_only = SafetyScanner(patterns, Proposes("crisis"))
    text = "lol i picked the outfit for my funeral this afternoon, first decision i made all week"
    assert not patterns.scan(text).flagged
    assert crisis_only.scan(text).categories == {"crisis"}
    assert not crisis_only.scan(text.replace("for my funeral ", "")).flagged


def test_irony_and_the_skull_are_not_laughter(patterns: Detector) -> None:
    """🙃 is irony and 💀 also stands for death ("gonna 💀 myself fr"): no veto on the model."""
    crisis_only = SafetyScanner(patterns, Proposes("crisis"))
    text = "gonna 💀 myself one of these days, this week has been a lot"
    assert crisis_only.scan(text).categories == {"crisis"}
    assert not crisis_only.scan(text.replace("💀", "😂")).flagged


@pytest.mark.parametrize(
    "text",
    [
        # a reply of support to another member, in the second person (issue 15, _mfp)
        "you're not alone in this, sending hugs",
        "update when you can, been thinking of you",
        "forza, sei più forte di quanto credi",
        "je t'envoie plein de courage, on est avec toi",
        "du bist nicht allein, ich schick dir ganz viel kraft",
        "nie jesteś sama, trzymaj się, jesteśmy z tobą całym sercem",
        "heel veel sterkte, we zijn er voor je",
        "você não está sozinha, te mando um abraço",
        # someone else's crisis, help called; the writer asking how to help someone else
        "my brother rang me from the roof of his building, i called 999 and they found him,"
        " he's in hospital now",
        "mon amie a envoyé un message d'adieu, j'ai appelé la police, elle est à l'hôpital",
        "mein Bruder will nicht mehr. wir haben die Polizei gerufen, er ist jetzt im Krankenhaus",
        "my cousin's husband takes her phone and her wages. what can i do for her?",
        "ho paura per lei, il suo ragazzo la segue ovunque. come posso aiutarla?",
        # a past told as over, with where the writer stands now
        "ca fait 5 ans que je l'ai quitté, il me surveillait partout. aujourd'hui je respire",
        "ist jetzt drei Jahre her, dass er mich eingesperrt hat. ich bin in Sicherheit",
    ],
)
def test_support_someone_elses_crisis_and_a_past_hold_back_proposals(
    patterns: Detector, text: str
) -> None:
    found = SafetyScanner(patterns, Proposes("crisis", "danger", "abuse_sign")).scan(text)
    assert not found.flagged, found.hits


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # the same frames with the writer's own risk: the proposal stands
        ("you're not alone, i want to die too tonight", "crisis"),
        ("thinking of you all. this is my goodbye, thank you for everything", "crisis"),
        ("he hit me again last night. you're not alone in this", "abuse_sign"),
        ("sending hugs to everyone here, he has been ignoring me for five days again", "danger"),
        ("this time last year i had a date set and tonight i want to die again", "crisis"),
        ("my brother is in hospital now because he hit me and i defended myself", "abuse_sign"),
    ],
)
def test_own_risk_voids_the_support_third_party_and_past_frames(
    patterns: Detector, text: str, category: Category
) -> None:
    found = SafetyScanner(patterns, Proposes("crisis", "danger", "abuse_sign")).scan(text)
    assert category in found.categories, found.hits


def test_someone_elses_crisis_gets_no_crisis_proposal(patterns: Detector) -> None:
    """The patterns read the crisis words as someone else's and the writer asks how to help
    (a supporter, answered without an alert): the meaning layer adds no crisis either, even
    where no exclusion names the frame; other categories it may still add."""
    text = "mi hermana me dijo que quiere morirse, ¿qué hago?"
    alone, norm = patterns.scan_normalized(text)
    assert alone.for_someone_else and not patterns.excluded(norm, "crisis")
    found = SafetyScanner(patterns, Proposes("crisis")).scan(text)
    assert not found.flagged and found.for_someone_else
    assert "danger" in SafetyScanner(patterns, Proposes("crisis", "danger")).scan(text).categories


def test_without_a_meaning_layer_the_scanner_is_the_patterns(patterns: Detector) -> None:
    texts = ["he hit me again", "lovely day", "i dont want to be here anymore"]
    assert SafetyScanner(patterns, None).scan_many(texts) == patterns.scan_many(texts)


async def test_each_message_is_normalised_once(
    patterns: Detector, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The patterns and the meaning layer read the same normalised text, worked out once
    (normalising costs about as much as matching)."""
    calls: list[str] = []
    real_prepare = normalize_module.prepare

    def counting_prepare(text: str) -> tuple[str, bytes | None]:
        calls.append(text)
        return real_prepare(text)

    monkeypatch.setattr(normalize_module, "prepare", counting_prepare)
    layer = Proposes("crisis")
    scanner = SafetyScanner(patterns, layer)
    text = "Everything   feels\tpointless lately and i am so t1red"
    await scanner.scan_async(text)
    assert len(calls) == 1
    scanner.scan_many([text, "lovely day out with the dog today"])
    assert len(calls) == 3
    assert layer.read == [real_normalize(text)] * 2 + ["lovely day out with the dog today"]


# --- the shipped head ----------------------------------------------------------------------


def test_shipped_head_finds_crisis_worded_beyond_the_patterns(
    scanner: SafetyScanner, patterns: Detector
) -> None:
    """Written for this test, in no labelled set: no pattern matches, the meaning does."""
    texts = [
        "lately i keep thinking everyone would do just fine if i quietly stopped being around",
        "i keep imagining the quiet after im gone and it honestly sounds peaceful",
        # ("hoping my heart just gives out" is now a pattern, hope_fatal_accident_en3)
        "some nights i lie awake hoping i simply never see another morning",
    ]
    for text in texts:
        assert "crisis" not in patterns.scan(text).categories, text
        assert "crisis" in scanner.scan(text).categories, text


def test_shipped_head_stays_quiet_on_ordinary_chat(scanner: SafetyScanner) -> None:
    ordinary = [
        "we made pasta and watched a film, best evening in ages",
        "he was quiet after work but we talked it through before bed",
        "does anyone have tips for the reflective listening exercise?",
        "my gf forgot to buy milk again, third time this week haha",
        "honestly i booked a weekend away for us, feeling better now",
        "good morning everyone, hope your week is gentle",
    ]
    flagged = [t for t, d in zip(ordinary, scanner.scan_many(ordinary), strict=True) if d.flagged]
    assert flagged == []


def test_shipped_head_records_what_it_was_trained_on() -> None:
    """Trained on every scored set as it is now, and on none of the sets kept for measuring
    (ordinary chat b and c, and the first-look sets nobody has tuned on)."""
    head = load_head()
    where = {p.name: p for p in HERE.rglob("*.jsonl")} | {DEV_SET.name: DEV_SET}
    assert {p.name for p in HERE.glob("*.jsonl")} <= set(head.trained_on)
    for name, digest in head.trained_on.items():
        assert name in where, f"trained on {name}, which the repository does not have"
        if where[name].exists():  # the shared dev set may be absent
            actual = hashlib.sha256(where[name].read_bytes()).hexdigest()
            assert actual == digest, f"{name} changed since training: run train-semantic"
    kept_out = {"chat_b.jsonl", "chat_c.jsonl"} | {p.name for p in HERE.glob("firstlook/*")}
    assert not kept_out & set(head.trained_on)


# --- training ------------------------------------------------------------------------------


def test_train_writes_a_head_that_loads_and_lists_its_inputs(tmp_path: Path) -> None:
    rows = [
        ("i dont see the point of going on", ["crisis"]),
        ("everyone would be better without me around", ["crisis"]),
        ("he shoved me into the wall", ["danger"]),
        ("she threatened me with a knife", ["danger"]),
        ("he reads all my messages and tracks my location", ["abuse_sign"]),
        ("she punishes me with silence every time i see friends", ["abuse_sign"]),
        ("we had a lovely walk today", []),
        ("the new cafe near work is great", []),
    ]
    labelled = tmp_path / "tiny.jsonl"
    labelled.write_text(
        "".join(
            json.dumps({"id": i, "text": t, "categories": c}) + "\n"
            for i, (t, c) in enumerate(rows)
        ),
        encoding="utf-8",
    )
    out, report = tmp_path / "head.json", io.StringIO()
    assert train([labelled], out, report) == 0
    head = load_head(out)
    assert head.trained_on == {"tiny.jsonl": hashlib.sha256(labelled.read_bytes()).hexdigest()}
    assert "trained on 8 lines" in report.getvalue()
    assert head.hidden is not None
    vectors = shared_encoder().encode([t for t, _ in rows])
    assert np.allclose(head.probabilities(vectors)["danger"], _trained_probabilities(head, vectors))


def _trained_probabilities(head: SemanticHead, vectors: np.ndarray) -> np.ndarray:
    assert head.hidden is not None
    hidden = np.maximum(vectors @ head.hidden.weights + head.hidden.bias, 0)
    return np.asarray(1 / (1 + np.exp(-(hidden @ head.weights["danger"] + head.bias["danger"]))))


def test_train_leaves_out_lines_that_nearly_repeat_a_kept_line(tmp_path: Path) -> None:
    rows = [
        ("i dont see the point of going on anymore, nothing i do ever matters", ["crisis"]),
        ("everyone would be better without me around", ["crisis"]),
        ("he shoved me into the wall", ["danger"]),
        ("we had a lovely walk today", []),
    ]
    labelled, kept = tmp_path / "train.jsonl", tmp_path / "blind.jsonl"
    for path, lines in ((labelled, rows), (kept, rows[:1])):
        path.write_text(
            "".join(
                json.dumps({"id": i, "text": t.replace("anymore", "now"), "categories": c}) + "\n"
                for i, (t, c) in enumerate(lines)
            ),
            encoding="utf-8",
        )
    out, report = tmp_path / "head.json", io.StringIO()
    assert train([labelled], out, report, keep_out=[kept]) == 0
    assert "trained on 3 lines" in report.getvalue() and "1 left out" in report.getvalue()
    assert load_head(out).memory.shape[0] == 3


def test_train_refuses_an_unlabelled_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1, "text": "no labels here"}\n', encoding="utf-8")
    report = io.StringIO()
    assert train([bad], tmp_path / "head.json", report) == 2
    assert "bad.jsonl" in report.getvalue()
    assert not (tmp_path / "head.json").exists()


class Blocking(Proposes):
    """Proposes crisis, but only once the test lets the model threads go."""

    def __init__(self) -> None:
        super().__init__("crisis")
        self.go = threading.Event()

    def categories(self, texts: list[str], levels: list[str]) -> list[frozenset[Category]]:
        self.go.wait(timeout=10)
        return super().categories(texts, levels)


async def test_a_flood_gets_the_patterns_alone_while_the_model_is_busy(
    patterns: Detector,
) -> None:
    layer = Blocking()
    scanner = SafetyScanner(patterns, layer)
    text = "everything feels pointless lately and i am so tired"
    queued = [asyncio.create_task(scanner.scan_async(text)) for _ in range(MAX_WAITING)]
    await asyncio.sleep(0)  # each task has registered itself and handed its text to a thread
    overflow = await scanner.scan_async(text)
    assert not overflow.flagged  # patterns alone: they see nothing here
    pattern_hit = await scanner.scan_async("he hit me again last night")
    assert pattern_hit.categories == {"danger"}  # never held up behind the model
    layer.go.set()
    done = await asyncio.gather(*queued)
    assert all(d.categories == {"crisis"} for d in done)
    assert len(layer.read) == MAX_WAITING
    assert (await scanner.scan_async(text)).flagged  # the queue drained: the model reads again


def _unit_rows(rows: int, seed: int) -> np.ndarray:
    vectors = np.random.default_rng(seed).normal(size=(rows, 384)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_int8_neighbour_memory_keeps_similarities_and_neighbours() -> None:
    """The shipped memory is held as int8 codes (a quarter of float32): similarities stay
    within 0.01, computed chunk by chunk over more rows than one chunk."""
    memory, queries = _unit_rows(5000, 1), _unit_rows(16, 2)
    codes, scale = quantise_rows(memory)
    assert codes.dtype == np.int8 and codes.nbytes * 4 == memory.nbytes
    zeros = {c: np.zeros(384, np.float32) for c in ("crisis", "danger", "abuse_sign")}
    labels = np.zeros((5000, 3), bool)
    head = SemanticHead(
        weights=zeros,  # type: ignore[arg-type]
        bias=dict.fromkeys(zeros, 0.0),  # type: ignore[arg-type]
        thresholds=dict.fromkeys(zeros, 0.5),  # type: ignore[arg-type]
        trained_on={},
        memory=codes,
        memory_labels=labels,
        memory_scale=scale,
    )
    exact = queries @ memory.T
    assert np.abs(head.similarity(queries) - exact).max() < 0.01
    # a query that is one of the rows finds itself first
    assert int(np.argmax(head.similarity(memory[1234:1235]))) == 1234
    assert np.allclose(head.memory_vectors(), memory, atol=0.01)


def test_neighbours_are_looked_up_only_for_rows_over_a_threshold(
    monkeypatch: pytest.MonkeyPatch, encoder: Encoder
) -> None:
    """Most messages have no category near its threshold: they skip the neighbour lookup
    (half the layer's time), and their answer is the same as with it."""
    head = load_head()
    vectors = encoder.encode(
        [
            "nobody would even notice if i was gone, i am so tired of being here",
            "repotted my succulents this morning and made pancakes",
            "he shoved me into the wall again and took my keys",
            "what time is the voice chat on sunday?",
        ]
    )
    expected = head.categories(vectors, ["balanced"] * 4)
    looked_up: list[int] = []
    real = SemanticHead.neighbour_share

    def counting(self: SemanticHead, rows: np.ndarray) -> np.ndarray:
        looked_up.append(rows.shape[0])
        return real(self, rows)

    monkeypatch.setattr(SemanticHead, "neighbour_share", counting)
    assert head.categories(vectors, ["balanced"] * 4) == expected
    probs = head.probabilities(vectors)
    limits = head.thresholds_for("balanced")
    over = sum(any(probs[c][row] >= limits[c] for c in limits) for row in range(4))
    assert 0 < sum(looked_up) == over < 4


def test_the_head_marks_each_category_it_reads_as_clearly_absent(encoder: Encoder) -> None:
    """CLEAR marks follow the probabilities: under ``CLEAR_BELOW``, and never beside the
    category itself; crisis and danger get none, however unlikely."""
    head = load_head()
    texts = [
        "repotted my succulents this morning and made pancakes",
        "nobody would even notice if i was gone, i am so tired of being here",
    ]
    vectors = encoder.encode(texts)
    probs = head.probabilities(vectors)
    answers = head.categories(vectors, ["balanced"] * len(texts))
    for row, answer in enumerate(answers):
        for c, mark in CLEAR.items():
            assert (mark in answer) == (probs[c][row] < CLEAR_BELOW)
            assert not (mark in answer and c in answer)
        assert {m for m in answer if m.startswith("clear_")} <= set(CLEAR.values())
    assert probs["crisis"][0] < CLEAR_BELOW  # clearly no crisis, and still no mark for it
    assert "crisis" in answers[1]
