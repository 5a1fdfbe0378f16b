"""What the label rules call none, in the forms members use: quoted helplines, everyday "X will
kill me" in our other languages, denials, a silence already made up, a past told as past,
someone else's relationship and "kms" over a mishap. The writer's own words beside them, and a
habit, still count."""

from __future__ import annotations

import pytest

from bot.safety.detector import Detector
from bot.safety.normalize import normalize


@pytest.mark.parametrize(
    "text",
    [
        # issue 15, everyday de/nl/pl look-alikes: someone else, the past, an idiom with a
        # laugh, a denial, one silence from tiredness, a fear that is no partner
        "meine schwester sagt, sie will nicht mehr leben. was soll ich ihr sagen?",
        "vor zehn jahren hat mich mein ex geschlagen, heute bin ich glücklich",
        "er redet heute nicht mit mir, weil er müde ist. morgen passt das wieder",
        "ich will nicht sterben, ich will nur dass es besser wird",
        "mijn vriendin zei dat ze dood wil, hoe help ik haar?",
        "ik wil dood, die presentatie morgen haha",
        "hij zegt niks, morgen is het weer goed",
        "ik ben bang voor spinnen",
        "moja koleżanka mówi, że nie chce żyć, jak jej pomóc?",
        "chcę umrzeć hahaha zapomniałam prezentacji",
        "nie chcę się zabić, jestem tylko zmęczona",
        "pakuję się na erasmusa, żegnajcie na pół roku!",
        "CANADA: call or text 988 for the Suicide Crisis Helpline. adding it for the new members",
        "en France : 3114 pour la prévention du suicide, 24h/24, gratuit",
        "from the pinned post: if you're thinking about suicide please contact your local line",
        "ma mère va me tuer quand elle va voir la rayure sur la voiture 😭",
        "el examen de anatomía me va a matar, 400 páginas y dos semanas",
        "not suicidal. not self harming. just really angry at him tonight",
        "keine sorge, ich denk nicht an selbstmord. bin nur müde heute",
        "to be clear, im not afraid of him. im angry at him",
        "non ho paura di lui, sia chiaro. sono solo stanca dopo la litigata",
        "my gf didnt talk to me all lunch bc i forgot our 3 month. got her a cookie, we're fine now",
        "ten years ago i sat on a bridge at 3am because of him. i walked over it today, grateful",
        "vor zehn jahren wollte ich mich umbringen wegen meinem damaligen mann. heute bin ich oma",
        "my friend's husband makes her get his ok before every gym session. how do i respond?",
        "kms the dentist just rang and i have to go back for another filling 😭",
        "mijn zus heeft alle pillen genomen, wat moet ik doen?",
        "è normale pensarci ogni tanto?",
    ],
)
def test_quotes_idioms_and_denials_stay_quiet(detector: Detector, text: str) -> None:
    assert not detector.scan(text).flagged


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # issue 15, everyday de/nl/pl wording
        ("ich will echt nicht mehr leben, jeden tag dasselbe", "crisis"),
        ("ohne mich wären alle besser dran", "crisis"),
        ("er hat mich gestern wieder geschubst und mir eine geknallt", "danger"),
        ("sie redet wieder tagelang kein wort mit mir, weil ich bei meinen eltern war", "abuse_sign"),
        ("ik zie het echt niet meer zitten, ik wil dood", "crisis"),
        ("ik ben echt bang voor mijn vriend", "danger"),
        ("hij praat al een week niet tegen me, zoals altijd na een ruzie", "abuse_sign"),
        ("nie chce mi się już żyć, serio", "crisis"),
        ("wczoraj znowu mnie popchnął na ścianę", "danger"),
        ("znowu ciche dni, bo byłam u mamy", "abuse_sign"),
        ("sprawdza mój telefon co wieczór i pyta, z kim piszę", "abuse_sign"),
        ("i called the suicide prevention line last night because i want to kill myself", "crisis"),
        ("mi marido me va a matar, lo dijo anoche con el cuchillo en la mano", "danger"),
        ("il a dit qu'il allait me tuer si je partais", "danger"),
        ("he gave me the silent treatment again because i went out. we're fine now", "abuse_sign"),
        ("moro na inglaterra há 5 anos. às vezes penso que seria melhor não acordar", "crisis"),
        ("my sister's husband and my husband are friends. my husband hits me too", "danger"),
        ("kms fr. he hasnt spoken to me in three weeks and i cant do this anymore 😭", "crisis"),
        ("im not afraid of him but im afraid of what he'll do tonight, he has a knife", "danger"),
    ],
)
def test_the_writers_own_risk_beside_them_still_counts(
    detector: Detector, text: str, category: str
) -> None:
    assert category in detector.scan(text).categories


OWN_WISH_ASKING = (
    "i want to die, what do i do?",
    "quiero morir, ¿qué hago?",
    "je veux mourir, je fais quoi ?",
    "ich will sterben, was soll ich tun?",
    "quero morrer, o que eu faço?",
)


@pytest.mark.parametrize("text", OWN_WISH_ASKING)
def test_own_wish_to_die_with_a_question_is_crisis(detector: Detector, text: str) -> None:
    """The label rules: a question about the writer's own risk is labelled, so "what do i do"
    after their own wish to die is no impersonal question, whatever the language."""
    assert "crisis" in detector.scan(text).categories


@pytest.mark.parametrize(
    "text",
    [
        *OWN_WISH_ASKING,
        "voglio morire, cosa faccio?",
        "ik wil dood, wat moet ik doen?",
        "chcę umrzeć, co mam zrobić?",
    ],
)
def test_own_wish_to_die_is_not_read_as_an_impersonal_question(
    detector: Detector, text: str
) -> None:
    """The meaning layer's crisis hit is held to the same exclusions (``excluded``); in Italian,
    Dutch and Polish only that layer reads the wish, so it must not be excused either."""
    assert not detector.excluded(normalize(text), "crisis")


@pytest.mark.parametrize(
    "text",
    [
        "¿es normal querer morir a veces?",
        "est-ce normal de vouloir mourir ?",
        "è normale voler morire a volte?",
        "is het normaal om dood te willen?",
        "no quiero morir, ¿qué hago para sentirme mejor?",
        "ich will nicht sterben, was soll ich tun?",
        "moja siostra chce umrzeć, co mam zrobić?",
    ],
)
def test_general_questions_and_denials_stay_excused(detector: Detector, text: str) -> None:
    assert not detector.scan(text).flagged
    assert detector.excluded(normalize(text), "crisis")
