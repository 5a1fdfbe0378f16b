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
        "@willow_t if hes threatening to hurt the dog, that is a call to the DV line today. we are here for you",
        "my cousin told me she took a load of pills and wanted to sleep forever. i rang 999 and the ambulance is with her now",
        "took the kids to the zoo and they wouldnt leave the penguins",
        "no quiero morir, solo estoy agotada de tanta pelea",
        "keine suizidgedanken, nur ein langer tag",
        "non ho mai avuto pensieri di farla finita, sono solo stanca",
        "if this meeting runs over again i will walk into the sea (i will not, i have a dentist at 4)",
        "my husband is going to kill me, i dented the car (he wont, hell laugh)",
        "two years clean from self harm today, just wanted to share with people who get it",
        "he went quiet because i ate the last slice. i made him a new pizza and hes talking again",
        "walked the dog over the railway bridge at sunrise, so peaceful",
        "at the bridge for the parkrun start, freezing, wish me luck",
        # issue 15, round 3: feelings, retractions, ailments, games and outings in all languages
        "me quiero morir de la vergüenza, le dije mamá a la profe",
        "ik wil dood van schaamte, ik noemde de juf mama",
        "i'm going to end it all... my gym membership, that is",
        "tô com os comprimidos pra enxaqueca aqui do lado, vou dormir",
        "j'ai les cachets pour la migraine sur la table de nuit, je vais dormir",
        "mein bruder hat gesagt er will sterben, ich hab den notruf gerufen, jetzt ist er in der klinik",
        "il me fait la tête parce que j'ai mangé le dernier carré de chocolat mdr",
        "non mi parla perché ho vinto a monopoli ahah",
        "comprei corda e barraca pro acampamento do fim de semana",
        "je prends le train de 8h demain pour aller voir ma mère",
        "the 23:12 is the last train home, if i miss it i'm sleeping on your sofa",
        "sewer slide at the water park was insane, kids loved it",
        "hab unserem hund die wurmtablette in leberwurst versteckt",
        # issue 15, round 4: a past told as over, someone else's partner, a study question, a
        # sulk over by morning, a gym day, an oven tray, a binge
        "hace quince años mi ex me encerraba en casa. hoy vivo sola y estoy tranquila",
        "2 lata temu mój były zamknął mnie w mieszkaniu. teraz mieszkam sama i jest mi dobrze",
        "il y a des années mon ex m'enfermait. aujourd'hui je vis seule et je vais bien",
        "my cousin told me her boyfriend threatens to kill himself if she leaves. what do i say?",
        "is punitive silence a form of psychological abuse? asking for a seminar",
        "me hizo la ley del hielo hasta el desayuno, luego nos pedimos perdón",
        "deadlift day tomorrow, i literally want to die 💀",
        "burned my arm on the oven tray while cooking dinner, ouch",
        "overdosed on a whole season of that show last night, no regrets",
        "she'll murder me once she spots that i shrunk her jumper in the wash",
        "if the printer jams one more time today i'm literally going to walk into the sea 🙄",
        "zwei stunden funkstille, dann haben wir zusammen gelacht",
        "mon frère me dit qu'il n'a plus envie de vivre. je fais quoi ce soir ?",
        'is it better to write "died by suicide" in our group leaflet?',
        "sono sul ponte a fotografare il tramonto per il mio corso",
        "i spent 2011-2014 tiptoeing around an ex who went silent for weeks. new life now, safe and free",
        "my dad freezes my mum out for weeks at a time. i'm 17, what can i do?",
        "my mum keeps saying she'd be better off dead since dad left, how do i get her to a gp?",
        # issue 15, blind_49's and blind_50's kinds of false alarm, in new words: a silence of minutes, stress,
        # a game, a room locked for snoring, someone else's crisis, quoted rules, a past with its
        # distance, an embarrassment, medicine as the doctor said, a hunting trip
        "he tried the silent treatment on me for like 5 minutes over the remote lol",
        "she goes quiet whenever she's stressed about deadlines, then she's back to normal",
        "my companion in the rpg stopped talking to me after i picked the evil option",
        "he locked me out of the bedroom because my snoring woke him twice 😂",
        "mon frère dit qu'il veut en finir depuis son divorce, je fais quoi ?",
        "my sister says she's got a knife and wants to use it on herself, what can i do",
        "uit de regels: 'denk je aan zelfmoord? bel 113'",
        "mod reminder: add a content warning before posts about self-harm please",
        "I was scared of my first husband. That was 20 years ago, and I'm remarried now.",
        "i want to die. my dad just shared my school photo in the family chat 💀",
        "tomé las pastillas como me dijo la doctora, ya estoy mejor",
        "we're taking our son duck hunting this weekend, rifle is locked up till then",
        "mi sparo se devo rivedere quella riunione di tre ore",
        "ze zegt niks sinds de ruzie van gisteren, ze doet dit eigenlijk nooit",
        "heute die dachrinne sauber gemacht, mein mann hielt die leiter, endlich wieder gelacht",
        "she gave me the silent treatment for a whole 3 minutes over the thermostat",
        "my 14yo is stonewalling me because i said no to the concert",
        "our son's girlfriend ignores him for days, how do we raise it with him?",
        "she doesn't ignore me for days or anything, she's just a quiet person",
        "he gets quiet after a long shift, and he always comes and finds me later",
        "kms my toddler just ate a crayon in front of the whole playgroup",
        "kms i spilled coffee on the landlord's inspection form",
        "smashed it at crossfit, basically killed myself at the gym today",
        "wrote a goodbye letter to my old job today, new role starts on the 3rd",
        "my counsellor asked if i'd had thoughts of suicide and i said no, which is true",
        "a patient was brought in after an overdose on my shift, she's ok now",
        "my little sis told me she's been thinking about not being around anymore, how do i help?",
        "my friend posted a goodbye message on snapchat, i called her and she's safe now",
        "he squeezed my hand on the way out of the cinema, cute",
        "the bleach fumes nearly knocked me out lol",
        "the bot said 'if you're thinking about suicide, call or text 988'",
        "the smell of the chip shop follows me home every night",
        "he doesn't track me or follow me or anything, i just worry",
        "my gp asked if i ever think about ending it and for once i could honestly say no",
        "kms the risotto's gone gluey and my in-laws are parking",
        "my nephew (17) keeps being ignored for days by his girlfriend, how do i talk to him",
        "mi hermana me cuenta que su marido no le habla desde hace una semana, ¿cómo la ayudo?",
        "my aunt keeps saying she won't be around much longer since uncle stopped talking to her, who do i call?",
        "somebody on another server posted a goodbye and went offline, i reported it, what else?",
        "he went quiet after i teased his cooking. fair enough, i'll make it up to him tonight",
        "it's the first time she's gone this long without talking and i don't know what to do",
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
        (
            "sie redet wieder tagelang kein wort mit mir, weil ich bei meinen eltern war",
            "abuse_sign",
        ),
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
        (
            "@mods sorry, he has the knife and im locked in the bathroom, can you call someone for me",
            "danger",
        ),
        ("@sam i know you said to call, but i already took them all", "crisis"),
        ("my sister found me after i took all my pills and she called 999", "crisis"),
        ("he said he will take the kids to his mums and i will never see them again", "abuse_sign"),
        ("no quiero morir pero ya tomé todas las pastillas", "crisis"),
        ("he said he will kill me if i leave (he wont let me take the car either)", "danger"),
        ("i want to die (i am not joking this time)", "crisis"),
        (
            "sitting on the cliff edge watching the sunset, one more step and it would all be over",
            "crisis",
        ),
        ("two years clean from self harm but i relapsed last night and cut again", "crisis"),
        (
            "he goes silent for days because i went out, then hes talking again like nothing happened",
            "abuse_sign",
        ),
        # issue 15, round 3: the same frames with the writer's own risk
        ("me quiero morir de verdad, no es de vergüenza, ya no aguanto", "crisis"),
        ("im going to end it all... my life is pointless", "crisis"),
        ("j'ai pris tous les cachets pour la migraine, adieu", "crisis"),
        ("il me fait la tête pendant des jours parce que j'ai gagné au monopoly", "abuse_sign"),
        ("estoy de acampada y esta noche salto del puente, adios", "crisis"),
        (
            "domani mattina prendo il treno per il lago e non torno. ho lasciato una lettera",
            "crisis",
        ),
        # issue 15, round 4: the same frames with the writer's own present risk
        ("years ago he hit me. now he's doing it again and i'm scared", "danger"),
        ("a decade ago i tried to end it. now i want to die again", "crisis"),
        ("back in 2019 he hit me. now i'm out of options and i want to die", "crisis"),
        ("my sister says her boyfriend hits her, and my boyfriend hits me too", "danger"),
        (
            "is it abuse when my husband doesn't speak to me for a week because i went out?",
            "abuse_sign",
        ),
        (
            "he ignored me until breakfast like he always does, and i had to apologise first",
            "abuse_sign",
        ),
        ("i want to die 💀 the meeting was the last straw, i cant do this anymore", "crisis"),
        ("he pushed my hand onto the oven tray", "danger"),
        ("he said he'll kill me if i ever tell anyone, i forgot to lock the door", "danger"),
        ("if he leaves me one more time i'm going to die, i mean it", "crisis"),
        ("mi hermano me dijo que quiere morir. yo también quiero morir", "crisis"),
        (
            "two hours of silence then we laughed, but he does this for days every week",
            "abuse_sign",
        ),
        ("my ex used to follow me. he moved away but last week he turned up at my door", "danger"),
        ("my dad ignores my mum for weeks and now he ignores me too", "abuse_sign"),
        ("my friend said she wants to die and honestly i want to die too", "crisis"),
        # issue 15, beside blind_49's and blind_50's kinds of false alarm
        (
            "he gives me the silent treatment for 20 minutes every time i see my friends",
            "abuse_sign",
        ),
        ("he locked me in the bedroom and took my phone", "danger"),
        ("mon frère dit qu'il veut en finir. moi aussi je veux mourir", "crisis"),
        ("my brother pointed his gun at me and said he'd use it on himself after", "danger"),
        ("i was afraid of my ex. that was 2 years ago but he texted again last night", "danger"),
        ("what's the suicide hotline number here? asking for myself", "crisis"),
        ("tonight. decided.", "crisis"),
        ("me pego un tiro, ya no aguanto más", "crisis"),
        (
            "she never does this, but every time i see my friends she goes silent for days",
            "abuse_sign",
        ),
        ("ik sta op het dak bij de dakgoot en ik spring, doei", "crisis"),
        ("i rehearse every word so he doesn't go cold on me for another week", "abuse_sign"),
        ("my 14yo heard her dad give me the silent treatment for days again", "abuse_sign"),
        ("kms i cant do this anymore, he hasnt spoken to me in weeks", "crisis"),
        ("my therapist asked if i'd thought of ending it and i said no, but i lied", "crisis"),
        ("he grabbed my hand so hard it left marks", "danger"),
        ("he keeps my bank card 'for safekeeping' and gives me cash on fridays", "abuse_sign"),
        ("lol the rope's in my car, weekend plans sorted", "crisis"),
        ("my ex follows me home from work, i see his car every night", "danger"),
        ("wrote my goodbye letter to everyone, the pills are next to me", "crisis"),
        ("i swallowed them all", "crisis"),
        ("i was a patient in a&e last night after i overdosed, home now and scared", "crisis"),
        ("i don't want to be here anymore. not in a dark way, but kind of", "crisis"),
        ("she says if i leave she'll end her life and it'll be my fault, so i stay", "abuse_sign"),
        (
            "he went quiet again for days because i saw my sister. fair enough, i guess",
            "abuse_sign",
        ),
        (
            "haha guess i won't see day 10 of his silence, the tablets are starting to kick in",
            "crisis",
        ),
        (
            "he reads my texts every night and if i'm late he goes cold on me for the rest of the evening",
            "abuse_sign",
        ),
    ],
)
def test_the_writers_own_risk_beside_them_still_counts(
    detector: Detector, text: str, category: str
) -> None:
    assert category in detector.scan(text).categories


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (
            "@mara_k him choking you is violence, not a bad mood. please save the helpline number",
            "danger",
        ),
        (
            "mijn vriendin zei dat ze pillen had genomen, ik heb 112 gebeld en de ambulance is er nu",
            "crisis",
        ),
        (
            "mi amiga me escribió que quiere morirse, ya llamé a emergencias y están con ella",
            "crisis",
        ),
        ("je me ferai pas de mal, je suis juste épuisée ce soir", "crisis"),
        ("thinking of ending it with her. not in a dark way, i mean the relationship", "crisis"),
        ("still hanging in there. long week", "crisis"),
        ("i want to vanish for a bit. not like that, like a week at my gran's", "crisis"),
        ("a roof job today: cleared the gutters and fixed two tiles, legs like jelly", "crisis"),
    ],
)
def test_replies_help_already_called_and_denials_hold_the_meaning_layer_back(
    detector: Detector, text: str, category: str
) -> None:
    """Lines the patterns already pass over but the meaning layer reads as risk: a reply to
    another member, someone else's crisis with help already called, a denial. The meaning
    layer's hit is held to the same exclusions (``excluded``)."""
    assert detector.excluded(normalize(text), category)


OWN_WISH_ASKING = (
    "i want to die, what do i do?",
    "quiero morir, ¿qué hago?",
    "je veux mourir, je fais quoi ?",
    "ich will sterben, was soll ich tun?",
    "quero morrer, o que eu faço?",
)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("ich will nicht mehr leben, was soll ich tun?", "crisis"),
        ("ik wil niet meer leven, wat moet ik doen?", "crisis"),
        ("não aguento mais viver, o que eu faço?", "crisis"),
        ("nie chcę już żyć, co mam robić?", "crisis"),
        ("tomei todos os comprimidos, e agora?", "crisis"),
        ("wziąłem wszystkie tabletki, co teraz?", "crisis"),
        ("j'ai la lame dans la main. je fais quoi ?", "crisis"),
        ("mein mann hat mich geschlagen, was soll ich tun?", "danger"),
        ("il m'a frappée encore, je fais quoi ?", "danger"),
    ],
)
def test_own_risk_then_a_question_is_no_impersonal_question_in_any_language(
    detector: Detector, text: str, category: str
) -> None:
    """A question with no English "I" took every other-language message out, own crises
    included: the impersonal rules now look for the first person of each of our languages."""
    assert category in detector.scan(text).categories


@pytest.mark.parametrize(
    "text",
    [
        # after blind_55: the writer's own experience beside a question with no "i"
        "is it normal to want to die whenever he goes quiet? this is about the fifth time this month",
        "does anyone else feel like dying when the silence drags into a second week?",
        "am i the only one who wants to die when she stonewalls for days?",
        "is it bad to wash the dishes first? the noose's ready for later",
        # laughter the writer says is no joke
        "i wanna die haha. not the joking kind of haha",
    ],
)
def test_own_experience_beside_a_question_or_laughter_is_crisis(
    detector: Detector, text: str
) -> None:
    """A question with no first person is impersonal, unless the message also says it is the
    writer's own (the Nth time, anyone ELSE, the means ready); laughter explains a wish away
    unless the writer says it is not the funny kind."""
    assert "crisis" in detector.scan(text).categories


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
        "mi amiga dice que se quiere morir, ¿qué hago?",
        "ist es normal, manchmal sterben zu wollen?",
        "mn vriendin zei dat ze er een eind aan wil maken, wat zeg ik tegen haar?",
    ],
)
def test_general_questions_and_denials_stay_excused(detector: Detector, text: str) -> None:
    assert not detector.scan(text).flagged
    assert detector.excluded(normalize(text), "crisis")


@pytest.mark.parametrize(
    "text",
    [
        "mi marido me va a matar, rompí su taza favorita",
        "o meu namorado vai me matar, esqueci o aniversário dele",
        "la mia ragazza mi ucciderà, ho dimenticato il suo compleanno",
        "kkkk ele vai matar-me quando vir a louça",
    ],
)
def test_a_joke_threat_over_a_small_mishap_is_no_danger_in_other_languages(
    detector: Detector, text: str
) -> None:
    """A joke threat over the writer's small mishap ("she'll kill me, i broke her mug") in
    Spanish, Portuguese and Italian: a trivial trigger (label rules)."""
    assert "danger" not in detector.scan(text).categories


@pytest.mark.parametrize(
    "text",
    [
        "mi marido me va a matar, me lo dijo con el cuchillo en la mano",
        "mi marido me va a matar, se me olvidó pagar y me pegó",
        "o meu marido vai me matar, esqueci a janta e ele disse que desta vez é a sério",
    ],
)
def test_a_mishap_beside_a_threat_said_or_a_blow_stays_danger(
    detector: Detector, text: str
) -> None:
    assert "danger" in detector.scan(text).categories


@pytest.mark.parametrize(
    "text",
    [
        "ich habe angst, mein mann bringt mich irgendwann um",
        "ik ben bang dat mijn man me ooit vermoordt",
        "mój mąż mnie kiedyś zabije, boję się",
        "mon copain veut me tuer, il a cassé la porte",
    ],
)
def test_a_partner_who_will_kill_the_writer_is_danger_in_other_languages(
    detector: Detector, text: str
) -> None:
    """The partner named as the subject ("mein mann bringt mich um"), not only "er" or "il"."""
    assert "danger" in detector.scan(text).categories


@pytest.mark.parametrize(
    "text",
    [
        "mon mari va me tuer",
        "il veut me tuer",
        "er will mich umbringen",
        "mein mann will mich umbringen",
        "mi marido va a matarme",
        "ele vai matar-me",
        "mi vuole ammazzare, ho paura",
    ],
)
def test_someone_else_who_will_kill_the_writer_is_danger_not_crisis(
    detector: Detector, text: str
) -> None:
    """The words the writer's own wish uses ("me tuer", "mich umbringen", "matarme") with
    another person as the subject are a threat: danger, never crisis."""
    found = detector.scan(text).categories
    assert "danger" in found and "crisis" not in found


@pytest.mark.parametrize(
    "text",
    [
        "ich will mich umbringen",
        "manchmal will ich mich umbringen",
        "il sait que je veux me tuer",
        "ma femme ne sait pas que je veux me tuer",
        "mi marido no sabe que quiero matarme",
    ],
)
def test_the_writers_own_wish_beside_another_subject_or_a_negation_stays_crisis(
    detector: Detector, text: str
) -> None:
    """A negation or another subject earlier in the sentence does not reach into the
    writer's own clause ("ne sait pas que je veux me tuer")."""
    assert "crisis" in detector.scan(text).categories


@pytest.mark.parametrize(
    "text",
    [
        "die hitze bringt mich um",
        "mein freund bringt mich noch um mit seinen witzen",
        "mijn vriend vermoordt me als hij dit ziet haha",
        "mein freund bringt mich um, ich hab seinen geburtstag vergessen",
        "mój szef mnie zabije za ten raport",
    ],
)
def test_hyperbole_about_heat_jokes_and_mishaps_stays_quiet(detector: Detector, text: str) -> None:
    assert "danger" not in detector.scan(text).categories


@pytest.mark.parametrize(
    "text",
    [
        "she's going to kill me, i forgot to pick up the bread again 💀",
        "my husband will murder me, i just shrank his favourite jumper 😂",
        "signing off for a fortnight, visiting family abroad, back on the 3rd x",
        "my daughter's ex keeps turning up at her work, how can i support her?",
        "my mum seems scared of her new husband, who can i call?",
        "er schlägt mich nicht, wir streiten nur über den abwasch",
        "no me pega, solo no me habla cuando está cansado",
        "cooking class tonight, cut myself on the first onion lol",
        "kms i just realised the lesson plan was due yesterday",
        "we already picked out the spot by the lake for the wedding photos",
        "already picked the spot by the river, bring snacks",
        "he already picked the spot by the river for our date",
    ],
)
def test_trivial_triggers_bounded_absences_and_other_peoples_fear_stay_quiet(
    detector: Detector, text: str
) -> None:
    """The label rules' idioms with a trivial trigger (the writer's own mishap), a bounded
    absence with its date of return, a son's or daughter's ex, fear seen in someone else, a
    blow denied in German or Spanish, a kitchen cut, an everyday "plan", a spot picked for an
    outing or by someone else."""
    assert not detector.scan(text).flagged


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("lol already picked out the spot by the lake 🙃", "crisis"),
        ("haha the rope's in my car boot just in case 🙃", "crisis"),
        ("i'm 😨 of him, not of the silence", "danger"),
        (
            "genuinely asking, is it normal he won't talk to me until i hand over my phone?",
            "abuse_sign",
        ),
        ("been saving up my tablets for a month. don't send me helpline numbers", "crisis"),
        ("bye everyone, thank you for everything. i won't be back", "crisis"),
        ("@jo same here, mine does the silent treatment every time i visit my dad", "abuse_sign"),
    ],
)
def test_gallows_humour_about_a_plan_a_face_for_fear_and_refused_numbers_still_count(
    detector: Detector, text: str, category: str
) -> None:
    """Laughter beside a chosen place or the means stored is gallows humour about a real plan;
    a helpline named only to refuse it is no quoted help material; "genuinely asking" is
    sincerity, not an abstract question; in a reply "mine" is the writer's partner."""
    assert category in detector.scan(text).categories
