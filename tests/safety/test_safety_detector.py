"""Detector behaviour: labels on the dev set and on our own wording, disguises, spans, severity."""

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from shared_data import DEV_SET

from bot.safety.detector import COMPILED_KEPT, Detector, detector_for, load_detector
from bot.safety.evaluate import evaluate, parse_examples

HERE = Path(__file__).resolve().parent

OWN_SETS = sorted(HERE.glob("*.jsonl"))  # extra_lines*, heldout_*, probes_*
ZW = "\u200b"


def check_targets(detector: Detector, path: Path) -> None:
    with path.open(encoding="utf-8") as fh:
        report = evaluate(detector, parse_examples(fh))
    summary = report.format()
    assert report.scores["crisis"].recall >= 0.95, summary
    assert report.scores["danger"].recall >= 0.90, summary
    assert report.scores["abuse_sign"].recall >= 0.85, summary
    assert report.false_positive_rate <= 0.03, summary


@pytest.mark.skipif(not DEV_SET.exists(), reason="shared dev set not available")
def test_dev_set_meets_targets(detector: Detector) -> None:
    check_targets(detector, DEV_SET)


@pytest.mark.parametrize("path", OWN_SETS, ids=lambda p: p.name)
def test_own_wording_meets_targets(detector: Detector, path: Path) -> None:
    check_targets(detector, path)


def test_own_sets_exist_and_are_labelled() -> None:
    assert len(OWN_SETS) >= 2
    for path in OWN_SETS:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        assert len(rows) >= 40
        assert {c for r in rows for c in r["categories"]} == {"crisis", "danger", "abuse_sign"}
        assert any(not r["categories"] for r in rows)


def zwsp(word: str) -> str:
    return ZW.join(word)


def spaced(word: str) -> str:
    return " ".join(word)


def homoglyph(word: str) -> str:
    return word.translate(str.maketrans("aeopcyxi", "аеорсухі"))


def leet(word: str) -> str:
    return word.translate(str.maketrans("aeio", "4310"))


def stretched(word: str) -> str:
    return word[:-1] + word[-1] * 5


BASES = [
    ("i want to die, nothing helps", "die", {"crisis"}),
    ("been thinking about suicide all week", "suicide", {"crisis"}),
    ("he punched me again last night", "punched", {"danger"}),
    ("she slapped me in the car", "slapped", {"danger"}),
    ("he checks my phone every single night", "phone", {"abuse_sign"}),
    ("he gives me the silent treatment whenever i see my friends", "silent", {"abuse_sign"}),
]


@pytest.mark.parametrize("disguise", [zwsp, spaced, homoglyph, leet, stretched])
@pytest.mark.parametrize(("text", "word", "labels"), BASES)
def test_disguise_does_not_change_the_label(
    detector: Detector, disguise, text: str, word: str, labels: set[str]
) -> None:
    assert detector.scan(text).categories == labels
    hidden = text.replace(word, disguise(word))
    assert detector.scan(hidden).categories == labels, hidden


@pytest.mark.parametrize(
    "text",
    [
        "k1lled it at the interview today",
        "this traffic is killing me",
        "he skilled up fast in that game",
        "i'd rather die than sing karaoke",
        "kms i left my phone at home lol",
        "is stonewalling a form of abuse? asking for my psych class",
        "my friend says she wants to die, what do i say to her?",
        "i'm not suicidal, just exhausted",
        "years ago my ex hit me. i'm safe and happy now",
        "headshot after headshot in that last game",
        "taking a break from discord for exams, see you after",
        "my gf went quiet for a bit after dinner. any tips for talking after a fight?",
        "i could sleep forever after this week",
        "we picked a date for the wedding!!",
        "saying goodbye to my old car today",
        "he ignored me for an hour after the argument, then we talked it out",
        # everyday es/pt/fr/it look-alikes (issue 15)
        "me voy a matar de risa con este video jajaja",
        "vorrei sparire per una settimana al mare",
        "mi amiga dice que quiere desaparecer, qué le digo?",
        "elle m'a fait la gueule toute la soirée parce que j'ai oublié le pain",
        "ela me deu um presente lindo",
        "gracias por todo, me voy de vacaciones dos semanas, cuídense",
        # laughter and jokes in our other languages, celebrations, help lines, past, denials
        "quiero morirme jajaja le mandé el meme a mi suegra",
        "eu quero morrer kkkk caí na frente do crush",
        "je veux mourir mdr j'ai appelé ma prof maman",
        "ich will sterben xD hab den Zug verpasst",
        "questo caldo mi ammazza 🥵",
        "we've chosen the day!! 12th of june, venue's booked 💍",
        "tonight's the night, ring's in my pocket and i'm proposing after dessert",
        "en España el 024 atiende 24 horas, lo dejo aquí por si alguien lo necesita",
        "i overdosed at 19. i'm 40 now and happily married",
        "not thinking about ending it, just tired of the arguing",
        # everyday English look-alikes of the _en2 families (issue 15)
        "i bent my knee back doing yoga lol",
        "let's just apply and see what happens",
        "im scared of what happens if i fail this exam",
        "my mum gives me £20 a week pocket money",
        "he took the knife to cut the cake while telling me about his day",
        "my cat is blanking me because i was late with dinner",
        "she told me to change into something warmer, it's freezing",
        # everyday pt/it look-alikes of the _ptit3 families (issue 15)
        "deixei tudo organizado pra viagem de sexta",
        "penso al ponte del 25 aprile, andiamo al lago?",
        "ora tocca a me lavare i piatti",
        "non posso uscire stasera, devo studiare",
        "pega a faca pra cortar o bolo",
        "così imparo a non studiare",
        "o cachorro some por dias no sítio",
        "ho scelto il giorno del matrimonio",
        "já escolhi o jeito de pagar",
        # everyday fr/nl/es/de/pl/pt look-alikes of the _lang4 families (issue 15)
        "jpp de ce partiel, trop dur",
        "ik ben zo moe van werk vandaag",
        "ya no puedo más con este calor jaja",
        "ich hab keine kraft mehr nach dem training",
        "mam dość tej pogody",
        "quero sumir, falei o nome da minha ex na frente da sogra kkkkk",
        "il m'a mis une claque au ping pong",
        "boję się egzaminu",
        "il y a huit ans mon ex m'enfermait dans l'appart. aujourd'hui j'ai la paix",
        "mijn vriendin zegt dat ze niet meer wil leven, hoe help ik haar?",
        "si tu pars je te retrouverai au café à 18h",
        "il a mis un tracker sur mon vélo à ma demande après le vol",
        "le va a hacer daño al perro comer chocolate",
        # everyday nl/de/it/pt look-alikes of the _lang5 families (issue 15)
        "ik ben klaar met het leven als student, eindelijk afgestudeerd",
        "qro morrer de vergonha kkkk",
        "cansei de viver nessa cidade",
        "non ce la faccio più a vivere in questa città",
        "mi tolgo di mezzo, decidete voi",
        "ich will euch nicht zur last fallen",
        "addio a tutti, vado in vacanza per due settimane, grazie di tutto",
        "er hat ein messer geholt um brot zu schneiden",
        "ho paura che mi faccia male il ginocchio",
        "ele diz que eu tô louca por ele",
        "vuole sapere sempre dove sono i documenti",
        "il mio ex mi aspetta fuori per ridarmi le chiavi",
        "mi taglio di nuovo i capelli",
        "redet er seit tagen nicht mit mir? keine ahnung, er ist auf montage",
        "ik zie geen reden meer om te sporten",
        "ele fica sem falar comigo quando está jogando, depois conversamos normal",
        # replies of support, someone else's crisis with help called (issue 15, _mfp)
        "sending love. you don't have to decide anything tonight",
        "my friend's boyfriend hit her, i called the police and they took him, she's safe now",
    ],
)
def test_benign_by_meaning(detector: Detector, text: str) -> None:
    assert not detector.scan(text).flagged, detector.scan(text)


@pytest.mark.parametrize(
    ("text", "labels"),
    [
        ("i w a n t  t o  d i e", {"crisis"}),  # a spaced-out sentence
        # look-alikes of the benign laughter, celebration, past and denial lines
        ("quiero morir jajaja no es broma, ya no puedo más", {"crisis"}),
        ("i've picked a date. after my son's birthday, i won't ruin that", {"crisis"}),
        ("two years ago i left him. he found me last week and hit me", {"danger"}),
        ("not thinking about ending it but i wish i wouldn't wake up", {"crisis"}),
        ("i just wanna diieeee", {"crisis"}),  # stretched word with a hidden double letter
        ("h3 sl4pp3d m3 4g41n", {"danger"}),  # leet across whole words
        ("she gives me the s i l e n t t r e a t m e n t whenever i say no", {"abuse_sign"}),
        ("er hat mich geschlagen", {"danger"}),
        ("ele controla todo o meu dinheiro", {"abuse_sign"}),
        # everyday es/pt/fr/it wording (issue 15)
        ("ya no quiero vivir, estoy agotada de todo", {"crisis"}),
        ("mis hijos estarían mejor sin mí", {"crisis"}),
        ("jveux plus vivre, tout me pèse", {"crisis"}),
        ("vorrei addormentarmi e non svegliarmi più", {"crisis"}),
        ("tô cansada de existir", {"crisis"}),
        ("sono solo un peso per lui", {"crisis"}),
        ("me da miedo mi marido cuando bebe", {"danger"}),
        ("ele me deu um soco ontem à noite", {"danger"}),
        ("il m'a tordu le poignet hier soir", {"danger"}),
        ("mi ha spinta contro il muro", {"danger"}),
        ("otra vez la ley del hielo, ya van cinco veces este año", {"abuse_sign"}),
        ("ele me dá gelo de novo, já é a quarta vez este mês", {"abuse_sign"}),
        ("il me fait la gueule chaque fois que je vois mes amies", {"abuse_sign"}),
        ("controlla la mia posizione tutto il giorno", {"abuse_sign"}),
        ("dice que se va a matar si lo dejo y que será mi culpa", {"abuse_sign"}),
        # everyday English wording (issue 15)
        ("he bent my thumb back until i said sorry", {"danger"}),
        ("he said 'say that again and see what happens to your teeth'", {"danger"}),
        ("im scared to fall asleep when hes home", {"danger"}),
        ("he barricaded the front door with the wardrobe", {"danger"}),
        ("he put a spy app on my laptop", {"abuse_sign"}),
        # everyday pt/it wording (issue 15, _ptit3)
        ("se eu sumisse amanhã ninguém ia sentir falta", {"crisis"}),
        ("a volte penso che senza di me starebbero tutti più sereni", {"crisis"}),
        ("escrevi cartas pros meus pais e deixei na gaveta", {"crisis"}),
        ("il mio ex mi segue in macchina da tre giorni", {"danger"}),
        ("morro de medo dele quando bebe", {"danger"}),
        ("mi tiene il muso da una settimana perché ho visto mia madre", {"abuse_sign"}),
        ("ele some por dias toda vez que eu saio com as minhas amigas", {"abuse_sign"}),
        ("ele me fez largar o emprego", {"abuse_sign"}),
        ("non mi rivolge la parola da giorni, come sempre", {"abuse_sign"}),
        ("mi ha minacciata di morte", {"danger"}),
        ("sono stanca di vivere", {"crisis"}),
        ("every time i mention leaving he reminds me he'd get custody", {"abuse_sign"}),
        ("she says she'll overdose if i go on the work trip", {"abuse_sign"}),
        ("i said sorry three times before he would even look at me", {"abuse_sign"}),
        # everyday fr/nl/es/de/pl/pt wording (issue 15, _lang4)
        ("chui fatiguée de vivre honnêtement", {"crisis"}),
        ("soms wil ik gewoon verdwijnen", {"crisis"}),
        ("ich will einfach verschwinden", {"crisis"}),
        ("nie daję rady, chcę zniknąć", {"crisis"}),
        ("iedereen zou beter af zijn zonder mij", {"crisis"}),
        ("obrigada por tudo, essa é minha despedida", {"crisis"}),
        ("ik ben doodsbang voor mijn vriend", {"danger"}),
        ("dał mi w twarz", {"danger"}),
        ("ele disse que me mata se eu for embora", {"danger"}),
        ("mi ex me está esperando afuera de mi casa", {"danger"}),
        ("karze mnie milczeniem", {"abuse_sign"}),
        ("hij negeert me al dagen omdat ik naar mijn moeder ging", {"abuse_sign"}),
        ("ik moet om geld vragen", {"abuse_sign"}),
        ("er sagt, ich bilde mir alles ein", {"abuse_sign"}),
        ("mon mec m'a mis un coup de poing", {"danger"}),
        ("me dijo que si me voy le va a hacer daño a mi perro", {"danger"}),
        ("mon ex a mis une balise gps sous ma voiture", {"danger"}),
        ("si encuentra una taza sucia, ya sé que toca semana de silencio", {"abuse_sign"}),
        # everyday nl/de/it/pt wording (issue 15, _lang5)
        ("was ik maar dood", {"crisis"}),
        ("het hoeft voor mij niet meer", {"crisis"}),
        ("wär ich doch nie geboren", {"crisis"}),
        ("ich falle allen nur zur last", {"crisis"}),
        ("non ho più voglia di vivere", {"crisis"}),
        ("q vontade de morrer, sério", {"crisis"}),
        ("tô pensando em me matar", {"crisis"}),
        ("ich hab angst, dass er mir was antut", {"danger"}),
        ("hij zei dat hij me kapot gaat maken als ik wegga", {"danger"}),
        ("meu ex fica me esperando na saída do trabalho", {"danger"}),
        ("ele disse q me mata se eu largar ele", {"danger"}),
        ("hij wil altijd weten waar ik ben", {"abuse_sign"}),
        ("ich bekomme taschengeld von ihm", {"abuse_sign"}),
        ("ele diz q se mata se eu for embora", {"abuse_sign"}),
        ("omdat ik met mn zus ging eten, praat hij al vier dagen niet meer met me", {"abuse_sign"}),
        ("er tut so, als wäre ich luft, seit ich bei meiner mutter war", {"abuse_sign"}),
        ("ele está sem me falar há três dias por eu ter saído com as amigas", {"abuse_sign"}),
        ("o meu marido ameaçou-me com uma faca", {"danger"}),
        ("non vedo più un motivo per vivere", {"crisis"}),
        # a reply of support that carries the writer's own wish (issue 15, _mfp)
        ("you're not alone, i want to die too tonight", {"crisis"}),
        ("je t'envoie plein de force, mais moi je veux mourir ce soir", {"crisis"}),
    ],
)
def test_disguised_and_other_language_lines(
    detector: Detector, text: str, labels: set[str]
) -> None:
    assert detector.scan(text).categories == labels


def test_signal_after_a_denial_wins(detector: Detector) -> None:
    found = detector.scan("i'm not suicidal but honestly i wish i could just not wake up")
    assert found.categories == {"crisis"}


def test_spans_index_the_original_text(detector: Detector) -> None:
    text = f"ugh. he c{ZW}h{ZW}o{ZW}k{ZW}e{ZW}d me"
    found = detector.scan(text)
    assert found.categories == {"danger"}
    hit = found.hits[0]
    span = text[hit.start : hit.end]
    assert f"c{ZW}h{ZW}o{ZW}k{ZW}e{ZW}d" in span  # offsets of the original, not normalised
    assert span.endswith("me") and hit.start >= text.index("he")


def test_several_categories_and_severity_ladder(detector: Detector) -> None:
    both = detector.scan("he hit me again and i just want to die")
    assert both.categories == {"crisis", "danger"}
    assert both.severity == "high"
    assert detector.scan("i'm going to kill myself tonight").severity == "imminent"
    assert detector.scan("he is banging on the door right now").severity == "imminent"
    assert detector.scan("i feel like such a burden to everyone").severity == "concern"
    abuse = detector.scan("he reads all my messages and tracks my location")
    assert abuse.severity_of("abuse_sign") == "concern" and abuse.severity_of("crisis") is None
    assert detector.scan("lovely weather today").severity is None


def test_matching_is_compiled_once(detector: Detector, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("regex compiled during scan")

    monkeypatch.setattr(re, "compile", refuse)
    assert detector.scan("he shoved me and i want to die lol jk, for real").flagged


def test_load_detector_lists_problems(tmp_path: Path) -> None:
    bad = tmp_path / "safety.toml"
    bad.write_text('[crisis]\npatterns = [{id = "x", severity = "high", regex = "("}]\n')
    with pytest.raises(ValueError, match=r"crisis\.patterns\[0\]\.regex"):
        load_detector(bad)
    with pytest.raises(ValueError, match=r"missing\.toml"):
        load_detector(tmp_path / "missing.toml")


def test_detector_for_compiles_each_rule_set_once(detector: Detector) -> None:
    """Bots built from the same loaded content share one compiled detector; another rule set
    object, even an equal one, gets its own, and only the newest few are kept."""
    rules = detector.rules
    few = replace(rules, patterns=rules.patterns[:3], exclusions=(), escalators=())
    first = detector_for(few)
    assert first.rules is few and detector_for(few) is first
    equal = replace(few)
    assert detector_for(equal) is not first and detector_for(equal).rules is equal
    for _ in range(COMPILED_KEPT):
        detector_for(replace(few))
    again = detector_for(few)
    assert again is not first and again.rules is few
