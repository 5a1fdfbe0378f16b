"""Issue 12: a named method, means at hand, a place reached, an act under way or done.

These are the most urgent lines the detector will see (shared/safety/README.md, "Methods,
means and acts in progress"); safe-messaging rule 9 limits what the bot says, never what it
recognises. Written for this test as a member might say them; none is in a labelled set.
"""

import pytest

from bot.safety.detector import Detector

IMMINENT = [
    # means held or carried in a few words, the place with the means (after blind_54)
    "razor in hand.",
    "the noose is in my backpack, i feel weirdly fine about it haha",
    "sitting by the reservoir with a handful of sleeping pills",
    "ok the blade's ready, he's finally asleep",  # "blades ready" once normalised (blind_55)
    # a burn with its reason, after "just" (no longer read as a trivial slip)
    "just burnt my thigh with a candle, it's the only thing that helps when he goes cold on me",
    # means kept, the pills first or as a stash
    "nobody knows i've got my sleeping tablets saved up in the wardrobe",
    "i have a secret stash of painkillers and tonight feels like the night",
    # acts done: an overdose or poison already taken
    "I've taken an overdose",
    "I just swallowed a whole bottle of sleeping pills",
    "took every tablet in the house about ten minutes ago",
    "i think i overdosed, everything is spinning",
    "drank some of the bleach from under the sink",
    "swallowed the entire packet of my nans painkillers",
    # means at hand, an act under way
    "I have the rope ready",
    "the cord is already over the beam in the garage",
    "there's a noose in my wardrobe now",
    "my pills are lined up on the desk, just waiting for him to fall asleep",
    "sitting with the razor in my hand and i cant stop crying",
    "I bought a gun to end it",
    # a place reached
    "I'm standing on the bridge right now and I'm going to jump",
    "sitting on the ledge of the car park roof looking down",
    # self-injury now
    "im cutting again and it wont stop bleeding",
    # a method with a time set
    "I'm going to hang myself tonight",
    "gonna overdose when everyone is asleep",
    # round 3 (_en3): acts and means without the usual verbs
    "i took something an hour ago. feeling really weird now",
    "not sure if i took too many, i lost count",
    "the tablets are all open on my bed. sorry everyone",
    "on the other side of the barrier now. its so cold",
    "left the door unlocked for whoever finds me",
    "letters are sealed and on the hall table. tomorrow while hes at work",
    # round 2 (_esc2): a near time, on the way, means open, an act just done
    "i dont want to be here anymore. doing it when he leaves for work",
    "i want to die. walking down to the river now",
    "i cant do this anymore, i want to die. the bottle's open",
    "i want to end it all. it's happening at midnight",
    # round 4 (_esc4): self-harm under way in everyday words, means at hand, taken, a roof
    "been cutting since everyone went to bed and i cant stop",
    "i'm not suicidal, i just need to feel the blade again. doing it now",
    "pressing a lit cigarette into my arm right now",
    "shut myself in the bathroom with her sleeping pills",
    "my tablets are all laid out on the kitchen table",
    "swallowed everything from the medicine cabinet. feeling floaty",
    "on the rooftop of my block and i'm done",
    "booked into a motel two hours away, not telling anyone which one",
    # round 5 (_esc5): a hot object held to the skin now
    "pressing the straighteners against my thigh and i cant stop",
    "burning my arm with the hot spoon again, nobody is home",
    # a trivial-trigger look ("i burned", "lol") that is not one
    "i burned myself with the lighter again, only thing that helps",
    "took everything in the medicine cabinet lol not lol. feeling floaty",
    # round 6 (_esc6): means held now, cutting already started, a place with a farewell or
    # a time, "then i'm doing it" beside a note, a pet rehomed by a date, a head banged bloody
    "dad's shotgun is out of the safe and i'm sitting here with it",
    "the blade is in front of me now and i can't do this anymore",
    "got my brother's stanley knife in my pocket and i'm using it as soon as i post this",
    "locked in with a razor and ive already started",
    "walking to the railway bridge now. thanks for everything, all of you",
    "lol the plan is the bridge at 5am. alarm is set",
    "once he's at work tomorrow then im doing it. the note is on the table",
    "can anyone have my rabbit by sunday? i won't be around after that",
    "keep hitting my head against the wall till it bleeds",
]

HIGH = [
    "I wrote my note",
    "i keep thinking about jumping off the bridge near work",
    "been googling lethal doses every night this week",
    "i want to hang myself so badly",
    "part of me wants to step in front of a train",
    # round 3 (_en3): present-tense passive ideation, hoping it happens to them, dwelling
    "i'm still here but honestly i don't want to be",
    "driving home i catch myself hoping a truck swerves into me",
    "some nights i wish my heart would just give out in my sleep",
    "i know exactly where i'd go, the bridge by the station",
    "told my mum i'm just tired. i'm not going away, not really. i won't be around after this.",
    # round 2 (_esc2) look-alikes: imagined, or "in front of me" with no means at hand
    "i want to die. some days i think about walking into the sea",
    "some days i wish a deer would run out in front of me",
    "i want to die. he talks to the kids in front of me like i'm not there",
]

# Everyday lines that share the words: jobs at home, medicine as directed, sport, games,
# films, caffeine hyperbole, figures of speech.
QUIET = [
    "the rope's ready for the climb on saturday, chalk bag packed",
    "the ropes are ready for the climb saturday, harnesses checked",
    "your pills are ready for pickup at the pharmacy counter",
    "dad's rifle's ready for hunting season, he cleaned it all evening",
    "hanging the washing out before it rains",
    "i took my meds this morning like the doctor said",
    "took two paracetamol for my headache, going to bed early",
    "overdosed on coffee before the exam lol, hands are shaking",
    "shoot me a message when you land",
    "kill the engine before you get out",
    "jumped off the diving board for the first time today!",
    "that scene where he jumps off the bridge in the film wrecked me",
    "i tied the rope to the tree for the kids swing",
    "i'd rather jump off a bridge than sit through another team meeting",
    "i wrote my notes for the exam on the bus",
    "standing on the bridge taking photos of the sunset",
    "he bought a gun for hunting season, i hate having it in the house",
    "my friend overdosed last year and i still think about her",
    "cut my finger chopping onions, it wont stop bleeding",
    "the belt is too tight, i need a new hole in it",
    "in the game you can hang from ledges and jump to the roof",
    "i keep a supply of paracetamol in the kitchen for the kids",
    "the rope is in my backpack for the climbing wall tonight",
    "tablets ready for the morning in the dosette box",
    "'jumping off the roof tonight' came on shuffle and i screamed every word in the car",
    "that chorus 'i'm standing on the ledge' is stuck in my head, it's on repeat at the gym 🎶",
    # look-alikes of the round 3 (_en3) wording
    "i took something for the headache, going to lie down",
    "took too many photos at the wedding, my phone is full",
    "i'm at the reservoir with the dog, gorgeous morning",
    "i know exactly where i'd go for my birthday dinner",
    "fed the cat for the last time before we moved, she lives with mum now",
    "got everything i need for the trip tonight",
    "im sick of waking up at 6 for this job",
    "walking down to the lake now with the dog",
    "got them all here for the party tonight",
    "the bottle's open, pour me a glass",
    # look-alikes of the round 4 (_esc4) wording
    "my pills are laid out on the table for the week, as prescribed",
    "asked the neighbour to feed the cat while we're on holiday",
    "burnt my arm on the oven door making the roast",
    "punching the bag at boxing till my knuckles ached",
    "better off without me at this party lol, i'm so tired",
    "on the roof of our building for the fireworks, i'm done with this year",
    # look-alikes of the round 5 (_fp5) wording
    "gonna unalive my inbox this afternoon, 300 unread emails",
    "this heatwave is going to unalive me, 34 degrees in the office",
    "if i die during this spin class tell my cat i loved her",
    "last day at the cafe is thursday, new job monday, writing cards for everyone",
    # look-alikes of the round 6 (_fp6) wording
    "ive already started cutting the fabric for the quilt",
    "heading to the lake with the kids, bye everyone have a good weekend",
    "the plan is the lake at 9am, bring snacks",
    "sitting on the edge of the pier fishing, caught nothing, sun is out",
    "put rat bait down in the shed so the cat stays in tonight",
    "gave my old camera to my niece, getting things in order before the move",
    "banging my head against the wall with this spreadsheet until my boss replies",
    "sitting here with the knife and a pile of onions, dinner in 20",
    "save him the trouble of cooking, i ordered pizza",
]


@pytest.mark.parametrize("text", IMMINENT)
def test_acts_means_and_timed_methods_are_imminent_crisis(detector: Detector, text: str) -> None:
    found = detector.scan(text)
    assert "crisis" in found.categories, text
    assert found.severity_of("crisis") == "imminent", (text, found)


@pytest.mark.parametrize("text", HIGH)
def test_a_method_named_with_intent_or_a_note_is_high(detector: Detector, text: str) -> None:
    found = detector.scan(text)
    assert found.severity_of("crisis") == "high", (text, found)


@pytest.mark.parametrize("text", QUIET)
def test_everyday_lines_sharing_the_words_stay_quiet(detector: Detector, text: str) -> None:
    assert "crisis" not in detector.scan(text).categories, (text, detector.scan(text))


@pytest.mark.parametrize(
    "text",
    [
        "he put his hands around my throat and squeezed",
        "he held a knife to my throat last night",
        "she said she will kill me if i leave",
        "he pointed his gun at me during the fight",
    ],
)
def test_choking_weapons_and_threats_to_kill_are_danger(detector: Detector, text: str) -> None:
    found = detector.scan(text)
    assert "danger" in found.categories, text
    assert found.severity_of("danger") in {"high", "imminent"}
    assert "crisis" not in found.categories, text


# The same families in the other languages the server sees (written for this test).
OTHER_IMMINENT = [
    ("de", "medikamente geschluckt. lebewohl"),
    ("nl", "alle pillen ingenomen. sorry allemaal"),
    ("de", "ich werde mich morgen früh umbringen"),
    ("es", "acabo de tomarme todas las pastillas de mi abuela"),
    ("es", "estoy en el borde del puente, ya no aguanto más"),
    ("es", "tengo la soga lista en el armario"),
    ("fr", "j'ai avalé toute la boîte de somnifères il y a une heure"),
    ("fr", "je suis sur le toit de l'immeuble et je regarde en bas"),
    ("fr", "la corde est accrochée à la poutre du grenier"),
    ("de", "ich habe gerade alle meine Schlaftabletten geschluckt"),
    ("de", "ich stehe auf der Brücke und will springen"),
    ("de", "das Seil hängt schon am Balken im Keller"),
    ("pt", "tomei todos os comprimidos da caixa agora há pouco"),
    ("pt", "estou no telhado do prédio e vou pular"),
    ("it", "ho preso tutte le pillole del flacone mezz'ora fa"),
    ("it", "sono sul ponte e sto per buttarmi"),
    ("nl", "ik heb net al mijn pillen ingenomen"),
    ("nl", "ik sta op de brug en ga springen"),
    ("pl", "połknęłam wszystkie tabletki godzinę temu"),
    ("pl", "stoję na moście i zaraz skoczę"),
    # round 2 (_esc2): on the way, a near time, sitting with the means
    ("es", "quiero morirme. voy camino al puente"),
    ("pt", "quero morrer. estou sentada na linha do comboio"),
    ("de", "ich will nicht mehr leben. bin unterwegs zum fluss"),
    ("nl", "ik wil dood. morgenochtend, als hij naar zijn werk is"),
    ("pl", "chcę umrzeć. siedzę w lesie z tabletkami"),
    ("fr", "je veux mourir. dans dix minutes c'est fini"),
    ("it", "voglio morire. tra dieci minuti lo faccio"),
    # round 4 (_esc4): shut in with the means, a blade or a lighter now, a roof reached
    ("es", "me encerré en el baño con sus cuchillas"),
    ("de", "ich habe mich mit ihren Tabletten im Bad eingeschlossen"),
    ("pl", "zamknęłam się w łazience z jego żyletkami"),
    ("fr", "j'ai besoin de sentir la lame, je le fais maintenant"),
    ("nl", "ik heb alles uit het medicijnkastje ingenomen"),
    ("it", "sono sul tetto del mio palazzo, è finita"),
    ("de", "hab mir eben den arm mit dem feuerzeug verbrannt, ich hör nicht auf"),
    ("fr", "j'ai sorti son pistolet du tiroir, il dort"),
    ("nl", "het mesje ligt al klaar naast de wastafel"),
    # round 5 (_esc5): cutting now without "ik", a whole pack swallowed
    ("nl", "ben mezelf weer aan het krassen, hij zit beneden tv te kijken"),
    ("pt", "tomei a caixa inteira de rivotril agora"),
    ("fr", "j'ai avalé tout le flacon de somnifères"),
    ("it", "ho preso tutta la scatola di tavor"),
    ("pl", "połknęłam całe opakowanie tabletek"),
    # round 6 (_esc6): what was left taken, cuts that keep bleeding, pills and drink laid out
    ("es", "me tomé todo lo que había en el cajón de las medicinas, perdón"),
    ("de", "hab alles genommen was noch in der hausapotheke war"),
    ("nl", "heb mn been opengesneden en het blijft bloeden"),
    ("es", "tengo delante todas las pastillas y una botella de vodka"),
    ("pl", "mam przed sobą jego leki nasenne i wódkę"),
]
OTHER_HIGH = [
    ("es", "pienso en tirarme del balcón todos los días"),
    ("fr", "je vais me pendre"),
    ("de", "ich will mich erhängen"),
    ("pt", "quero me enforcar"),
    ("it", "voglio impiccarmi"),
    ("nl", "ik wil mezelf ophangen"),
    ("pl", "chcę się powiesić"),
    # round 4 (_esc4): children better off, final arrangements, dead before it happens
    ("pt", "deixei o gato com a vizinha, não vou pra lugar nenhum de verdade"),
    ("de", "ich habe die Katze der Nachbarin gegeben, ich verreise nicht wirklich"),
    ("es", "firmé el poder notarial para que nadie tenga líos cuando ya no esté"),
    ("nl", "ik zie geen reden meer om door te gaan."),
    ("fr", "plutôt être morte avant qu'il rentre"),
    ("es", "voy a m4tarme"),
    # round 5 (_esc5): "unalive" in another language's sentence; "not kidding" voids a laugh
    ("de", "ich will mich ehrlich unaliven"),
    ("nl", "ik wil mezelf gewoon unaliven"),
    ("pt", "vou me matar kkk não tô brincando"),
    ("es", "me quiero matar jaja no estoy bromeando"),
    # round 6 (_esc6): a letter in case of not being here, ending it oneself, things given
    # away with passwords written down
    ("pt", "deixei uma carta pro meu filho caso eu não esteja mais aqui"),
    ("de", "hab einen brief geschrieben, falls ich nicht mehr da bin"),
    ("pt", "ele me bateu de novo. prefiro acabar eu mesma"),
    ("nl", "heb mn horloge aan mn broer gegeven en mn wachtwoorden opgeschreven"),
]
OTHER_QUIET = [
    ("de", "tabletten genommen, jetzt ab ins bett. gute nacht ihr lieben"),
    ("de", "ich glaube sie will mich heute umbringen, weil ich ihr auto zerkratzt hab"),
    ("es", "colgué la ropa en la cuerda del tendedero"),
    ("fr", "je prends mes cachets tous les matins comme le médecin a dit"),
    ("de", "wir sind heute vom Sprungturm ins Becken gesprungen"),
    ("pt", "tomei os remédios para a dor de cabeça"),
    ("it", "ho preso tutte le medicine prescritte dal medico come sempre"),
    ("nl", "ik sta op de brug en maak foto's van de zonsondergang"),
    ("pl", "skoczyłam na bungee z mostu, było super"),
    # look-alikes of the round 5 (_fp5) wording
    ("nl", "pilletje genomen zoals de dokter voorschreef en nu naar bed"),
    ("de", "meine tablette wie jeden morgen genommen, jetzt frühstück"),
    ("pt", "comprei corda pro varal novo da varanda"),
    ("it", "ho comprato una corda nuova per l'arrampicata di domenica"),
    ("pt", "kkkkk vou me matar de vergonha, mandei áudio pro grupo errado"),
    ("pt", "perdi de novo pro mesmo chefe, quero morrer kkkk"),
    ("es", "me voy a matar de risa con este video"),
    ("de", "die Tabletten liegen für die Woche aufgereiht auf dem Tisch, wie verschrieben"),
    ("it", "ho chiesto alla vicina di tenere il gatto durante le vacanze"),
    ("es", "saqué la pistola de agua para la piscina de los niños"),
    ("nl", "het mes ligt klaar voor het avondeten"),
    # look-alikes of the round 6 (_fp6) wording
    ("de", "hab meine tabletten genommen wie der arzt gesagt hat, gute nacht"),
    ("nl", "slaappil genomen zoals de huisarts voorschreef, welterusten allemaal"),
    ("es", "mañana me voy a Lisboa, desconecto unos días, ¡nos vemos a la vuelta!"),
    ("de", "heute den keller ausgemistet und alles verschenkt, so befreiend"),
    ("pt", "me despedi do pessoal hoje, mudei de emprego"),
    ("nl", "ik heb de uien gesneden en mn vinger bloedt een beetje haha"),
    ("de", "ich habe vor mir die tabletten für die woche sortiert"),
    ("es", "si mañana no me despierto a tiempo pierdo el bus"),
]


@pytest.mark.parametrize(("lang", "text"), OTHER_IMMINENT)
def test_other_languages_acts_and_means_are_imminent(
    detector: Detector, lang: str, text: str
) -> None:
    assert detector.scan(text).severity_of("crisis") == "imminent", (lang, text)


@pytest.mark.parametrize(("lang", "text"), OTHER_HIGH)
def test_other_languages_a_named_method_is_at_least_high(
    detector: Detector, lang: str, text: str
) -> None:
    assert detector.scan(text).severity_of("crisis") in {"high", "imminent"}, (lang, text)


@pytest.mark.parametrize(("lang", "text"), OTHER_QUIET)
def test_other_languages_everyday_look_alikes_stay_quiet(
    detector: Detector, lang: str, text: str
) -> None:
    assert "crisis" not in detector.scan(text).categories, (lang, text)


# Issue 12 first-look families (wording of my own, not the retired set's lines): any crisis
# signal with an act under way, means at hand, a place reached or a time set is imminent;
# danger with the partner still there or armed about the house is imminent.
FAMILY_IMMINENT = [
    "i took every pill in the box at once. bye everyone",
    "sitting in the window on the 9th floor with my legs out",
    "gonna jump when the train comes through at 11",
    "me he tragado una caja entera de pastillas hace media hora",
    "je suis assise sur le rebord de la fenêtre au 6e étage, je vais sauter",
    "ich habe alle tabletten auf einmal genommen",
    "engoli uma cartela inteira de remédio faz meia hora",
    "ho ingoiato una scatola intera di sonniferi mezz'ora fa",
    "ik zit op de vensterbank op de 6e verdieping en wil springen",
    "siedzę na parapecie na 8 piętrze i chcę skoczyć",
    "i dont want to be here anymore. the rope is in my car",
    "no quiero vivir más, la pistola está aquí a mi lado",
]
FAMILY_DANGER_NOW = [
    "hes got a knife and hes in the hallway",
    "il a un couteau et il est dans le couloir",
    "hij heeft een mes en staat voor de deur",
    "er hat mich im keller eingeschlossen",
]
FAMILY_QUIET = [
    "sitting on the edge of the pool with my feet in the water",
    "ho preso una scatola intera di cioccolatini a natale",
    "sitting on the window ledge with my coffee watching the rain",
    "we're on the bridge in the traffic jam right now, gonna be late",
    "ho fatto overdose di caffè stamattina",
]


@pytest.mark.parametrize("text", FAMILY_IMMINENT)
def test_first_look_families_are_imminent(detector: Detector, text: str) -> None:
    assert detector.scan(text).severity_of("crisis") == "imminent", text


@pytest.mark.parametrize("text", FAMILY_DANGER_NOW)
def test_first_look_danger_families_are_found(detector: Detector, text: str) -> None:
    assert detector.scan(text).severity_of("danger") in {"high", "imminent"}, text


@pytest.mark.parametrize("text", FAMILY_QUIET)
def test_first_look_look_alikes_stay_quiet(detector: Detector, text: str) -> None:
    assert "crisis" not in detector.scan(text).categories, text


# Round 6 (_esc6): quieter crisis wording is found (concern or above): not waking up, the only
# reason still here.
ROUND6_CONCERN = [
    "honestly it'd be a relief if one morning i just didn't. tired of waking up to this",
    "si mañana no me despertara estaría bien",
    "gdybym jutro się nie obudziła, nikt by nie płakał",
    "mia figlia è l'unico motivo per cui sono ancora qui",
    "minha filha é o único motivo pra eu ainda estar aqui",
    "mijn hond is het enige waarom ik hier nog ben",
    "chciałabym po prostu to wszystko zakończyć, nie mam już siły",
    "she keeps saying she'll kill me one day. maybe i should save her the trouble",
]


@pytest.mark.parametrize("text", ROUND6_CONCERN)
def test_quiet_crisis_wording_of_round_6_is_found(detector: Detector, text: str) -> None:
    assert "crisis" in detector.scan(text).categories, (text, detector.scan(text))


# Label rules: "gallows humour about a real plan is still crisis". Laughter explains away an
# idiom with a trivial trigger, never a note written, a place reached or means laid out.
GALLOWS_HUMOUR = [
    "haha finished writing my goodbye letters today, one less thing on the list 🙃",
    "lmao i have literally written the note already, i'm very efficient",
    "lol got my pills in a pile in front of me, very organised",
    "lol standing at the edge of the car park roof, not walking back down this time 😅",
    "haha relax i'm fine, just sat on the ledge of the multi storey for a bit",
]
LAUGHING_IDIOMS = [
    "lol i left a note for the plumber and he still rang the wrong bell",
    "haha my tablets are lined up next to the charger, movie night sorted",
    "i want to die lol i just sent my boss a heart emoji",
    "lol sat on the edge of the bed for an hour deciding which socks",
]


@pytest.mark.parametrize("text", GALLOWS_HUMOUR)
def test_laughter_does_not_explain_away_a_real_plan(detector: Detector, text: str) -> None:
    assert "crisis" in detector.scan(text).categories


@pytest.mark.parametrize("text", LAUGHING_IDIOMS)
def test_laughter_with_a_trivial_trigger_stays_quiet(detector: Detector, text: str) -> None:
    assert "crisis" not in detector.scan(text).categories


# Round 7 (after blind_41's first look; written for this test): walking into water said with
# intent; a threat to take the children still counts after the everyday "took the kids" left.
ROUND7_FOUND = [
    ("alarm is set for 5am, that's when i'm walking into the river", "crisis"),
    ("i'm wading into the lake tonight", "crisis"),
    ("he keeps saying if i leave he'll take the kids", "abuse_sign"),
    ("she took the kids and left, won't answer my calls", "abuse_sign"),
]
# ... and the look-alikes behind that set's false alarms: a slight taken personally, a swing, a
# few days away with the day of return, a denial without "ne", a pet's sulk, a friend's crisis
# the writer asks about, an outing with the kids.
ROUND7_QUIET = [
    "i took it badly when she forgot my birthday, but we laughed about it later",
    "we put a tyre swing up in the garden for the grandkids",
    "me voy al pueblo unos días sin cobertura, vuelvo el martes. cuidaos",
    "t'inquiète, je vais pas me flinguer, je suis juste crevée",
    "nao vou me matar, so to cansada",
    "my dog has been ignoring me since i gave him a bath",
    "my friend told me she's been thinking about ending things, what do i say?",
    "took the kids swimming then to my mum's for tea",
]


# Round 8 (after blind_42's first look; written for this test): means set aside "for later", a
# blade kept and used night after night, the Portuguese teen "m" for "me", driving off a Dutch
# dyke, a rope picked out said with laughter and then "no, seriously", being hit just now in the
# other languages, turning up at work after a block, a phone gone through, and the wish that the
# partner holding the gun would go through with it.
ROUND8_FOUND = [
    ("told everyone i'm fine lol. my tablets are under the sink for tonight", "crisis"),
    ("there's a razor blade in my wallet, been using it most evenings", "crisis"),
    ("nao aguento mais, vou m matar", "crisis"),
    ("morgen rij ik met de auto de kade af", "crisis"),
    ("haha heb vandaag een touw gekocht. nee serieus, het ligt klaar", "crisis"),
    ("ich hab heute ein seil besorgt haha. nein ernsthaft, es liegt im keller", "crisis"),
    ("elle vient de me gifler devant les enfants", "danger"),
    ("me acaba de empujar contra la pared", "danger"),
    ("ich hab ihn blockiert und jetzt wartet er jeden morgen vor meiner haustür", "danger"),
    ("codziennie przegląda mi telefon i czyta wszystko", "abuse_sign"),
    ("she's holding the knife again. honestly i kind of want her to", "crisis"),
]
# ... and the look-alikes behind that set's false alarms: his gun, not the writer's, in French
# and English; a shooting trip; a past long ago; a hedge-trimming cut with a plaster on; a
# football score; a book's chapters; a teen's quoted hyperbole; "get it back when".
ROUND8_QUIET_CRISIS = [
    "il a sorti le pistolet du tiroir et l'a laissé sur la table toute la soirée",
    "mañana me voy de pesca con mi cuñado, caña nueva y todo",
    "a long time ago i thought about ending it. that's behind me, i have a garden and a dog now",
    "beim heckenschneiden mit der gartenschere in den finger, blut überall, pflaster drauf",
    "wir haben 1:3 verloren, ich will sterben. nächste woche gewinnen wir",
    "finished the novel last night, the overdose chapters were hard going",
    "my son said 'i literally want to die' when i turned the wifi off",
]


def test_get_it_back_when_is_not_a_past(detector: Detector) -> None:
    """'says i'll get it back when i apologise' is control now, not 'back when' in the past."""
    found = detector.scan("he changed the wifi password and says i'll get it back when i apologise")
    assert "abuse_sign" in found.categories


# Round 9 (after blind_43's first look; written for this test): every pill taken told with a
# laugh, Spanish self-injury now, rat poison put away "for me", Italian and Dutch shorthand for
# not wanting to live, the burial outfit picked, German "mich selbst umzubringen", a weapon laid
# on the table in Spanish, hiding in Portuguese, "she'll make me regret it".
ROUND9_FOUND = [
    ("lmao so i took every sleeping pill in the house. room is spinning", "crisis"),
    ("me estoy cortando otra vez en la ducha", "crisis"),
    ("compré matarratas y lo tengo guardado, no sé cuándo pero es para mí", "crisis"),
    ("non ho più voglia di vivere, davvero", "crisis"),
    ("ik wil gewoon niet meer wakker worden", "crisis"),
    ("i've laid out the suit they'll bury me in", "crisis"),
    ("manchmal denke ich daran, mich einfach selbst umzubringen", "crisis"),
    ("puso el cuchillo encima de la mesa y se quedó mirándome sin decir nada", "danger"),
    ("to escondida no banheiro, ele tá batendo na porta", "danger"),
    ("he texted my sister that he'll make me regret leaving", "danger"),
]
# ... and the look-alikes behind its false alarms: a friend who started cutting again, advice
# to whoever reads, a past in Polish, a first marriage long over, "in a good place", a nurse
# quoted, a school report in Dutch, a pizza, a pet's mischief, fear denied, a channel's list;
# and, from round 10's review, hide-and-seek and a job that "will finish me".
ROUND9_QUIET = [
    "estoy escondida en el armario jugando al escondite con los niños",
    "este trabajo va a acabar conmigo, llevo tres turnos seguidos",
    "my best friend says she's been cutting again, how do i support her without panicking",
    "if anyone is reading this and has a plan tonight, please tell a mod or call your local line",
    "pare lat temu myślałem o samobójstwie, dziś mam rodzinę i spokój",
    "my first marriage was when i thought about ending it. long over now, remarried and happy",
    "two years after the overdose i'm honestly in a really good place",
    "the nurse said mum is 'ready to go' and i just sat in the car and cried",
    "ik schrijf een werkstuk over stille behandeling als straf, heeft iemand bronnen?",
    "gonna unalive this whole tub of ice cream tonight",
    "kms the cat knocked my coffee off the desk again",
    "my sister asked if i'm afraid of him. i'm not, he just goes quiet when he's stressed",
    "the pinned post lists 'silent treatment' and 'walking on eggshells' as warning signs",
]


# Round 11 (after blind_45): a partner's "you're dead", a Dutch "vermoord ik je", locked in
# with the keys taken (fr), a blade and "ya he empezado" (es), gone by tomorrow, the first
# train, a crash chosen at the wheel, a blade held while thinking of it (de), means kept in
# the trunk said with a laugh ...
ROUND11_FOUND = [
    ("my wife texted me 'you're dead when you get back' and switched her phone off", "danger"),
    ("hij zei: als je het vertelt vermoord ik je", "danger"),
    ("il a pris mes clés et fermé à double tour, je suis coincée à l'intérieur", "danger"),
    ("tengo la cuchilla del cúter y ya he empezado", "crisis"),
    ("mañana ya no voy a estar aquí, perdonadme", "crisis"),
    ("à minuit, avant le dernier train, j'irai sur les voies", "crisis"),
    ("en la próxima curva pienso no girar el volante y ya", "crisis"),
    ("ich sitze hier mit der klinge und denke dran", "crisis"),
    ("haha the rope's still in the trunk, nobody will notice till it's over", "crisis"),
]
# ... and its look-alikes: a sport drill, quiet spells that end in talking, a single silence,
# a trip, a laugh about a plant, a friend's words (pl), a past long over (it), a sister's fear.
ROUND11_QUIET = [
    "coach had us doing suicides again at practice",
    "she goes quiet for an hour sometimes but she always comes back and we talk it out",
    "he didn't speak to me for three days and i hated every second of it, but it's the first"
    " time it's ever happened",
    "mañana ya no voy a estar aquí, vuelvo a casa de mis padres",
    "if my wife finds out i bought another plant she will end me 😂",
    "koleżanka pisze mi, że chce zniknąć i nikt by nie zauważył. jak jej pomóc?",
    "vent'anni fa mi ha picchiata, poi l'ho lasciato e adesso sono felice",
    "my sister says she's terrified of him, how do i help",
]


# Round 12 (after blind_46): a bell tower reached (fr), afraid of what one will do with the
# means, a knife or an axe threatened (pl), "tonight we both die" (es), the knife held while
# thinking of it (de), the car keys hidden ...
ROUND12_FOUND = [
    ("je suis montée au clocher, personne ne sait que je suis là", "crisis"),
    ("i'm scared of what i'll do with the pills tonight", "crisis"),
    ("mój mąż grozi mi siekierą", "danger"),
    ("mi marido dijo que esta noche nos morimos los dos, tiene la pistola", "danger"),
    ("er hat mir das messer gegeben. ich halt es jetzt in der hand und denk drüber nach", "crisis"),
    ("he hides the car keys every time i want to see my mum", "abuse_sign"),
]
# ... and its look-alikes: the writer's "gonna kill my cat", advice to another member, a chat
# over the fence, a game's lore, a kitchen cut (pl), thirty years ago (pl).
ROUND12_QUIET = [
    "i'm gonna kill my cat, she ate my sandwich again 😭",
    "if she goes quiet every time you make plans, that's a pattern worth naming",
    "my aunt told me over the fence about her new puppy",
    "the witcher lore about wanting to die young hits different",
    "krojąc chleb skaleczyłam się, krew wszędzie",
    "trzydzieści lat temu mąż mnie uderzył, dawno się rozwiodłam",
]


# Round 13 (after blind_47): a gun "on my lap" said of "it", a mother's pills swallowed (es),
# the bridge "and then that's it" (de), the partner's weapon used on oneself (nl), a farewell
# with pills in a pocket (nl), followed home by an ex (es), a knife held to the throat (de) ...
ROUND13_FOUND = [
    ("the pistol is in the drawer. it's on my lap now", "crisis"),
    ("me he tomado las pastillas de mi madre, todas", "crisis"),
    ("ich fahr jetzt zur brücke und dann ist schluss, macht's gut", "crisis"),
    ("hij heeft het pistool laten liggen. vannacht gebruik ik het zelf", "crisis"),
    ("de brief is geschreven, de pillen zitten in mijn jaszak", "crisis"),
    # after blind_51: things given away are warning behaviour even when some are games
    ("handed my console and all my games to my neighbour's kid. won't need them anymore", "crisis"),
    # after blind_52: means in one-word fragments with an ending, pills in emoji all gone
    ("garage. rope. sorry", "crisis"),
    ("💊💊💊💊 all of them. ⚰️", "crisis"),
    ("my wife's brother told me he's going to kill us both", "danger"),
]
# ... and its look-alikes: a day looked forward to, fishing after a shift (de), dying of
# boredom, a quiet that is not a punishment, a denial with a promise, a game.
ROUND13_QUIET = [
    "friday's the day! my exam is at 9",
    "nach der schicht fahr ich zur brücke zum angeln",
    "skydiving next week and i'm going to die of fright",
    "it's not a punishment, he goes quiet every night after work because he's wiped out",
    "not gonna kms, promise, just tired",
    "gg i died on the bridge boss again",
    "gave my old games to my nephew since i don't play them anymore",
    "pills. water. bed. night",
    "💊 all good, the doctor says the dose is fine",
    "took all my 💊 like the doctor said, feeling better already",
    "my manager is going to kill us if the report is late again",
    "my in laws are gonna kill us when they hear we skipped christmas",
]


@pytest.mark.parametrize(
    "text", ROUND7_QUIET + ROUND9_QUIET + ROUND11_QUIET + ROUND12_QUIET + ROUND13_QUIET
)
def test_rounds_7_9_and_11_to_13_look_alikes_stay_quiet(detector: Detector, text: str) -> None:
    assert not detector.scan(text).flagged


# Round 10 (after blind_44's first look; written for this test): pills being taken now, a
# railing stepped over, Portuguese self-injury and a whole box in Portuguese, wanting it all to
# stop, asking God to take the writer, a step forward on the platform, a rope "with a purpose"
# and a day named, heading to the reservoir, "you won't leave alive".
ROUND10_FOUND = [
    ("swallowing my tablets now. sorry everyone", "crisis"),
    ("ce soir je vais enjamber la rambarde du pont", "crisis"),
    ("estou no quarto me cortando de novo", "crisis"),
    ("engoli todos os comprimidos da caixa toda", "crisis"),
    ("je voudrais juste que tout s'arrête", "crisis"),
    ("every night i pray god will take me, i'm so tired", "crisis"),
    ("am gleis gestanden und an einen schritt nach vorne gedacht", "crisis"),
    ("haha the belt finally has a purpose. sunday it is", "crisis"),
    ("the car is packed and i'm driving to the reservoir. thanks for everything", "crisis"),
    ("il m'a dit que je ne sortirais pas vivante de la maison", "danger"),
]
# ... and its false alarms: thyroid tablets as usual, a marathon, a sister's words reported;
# and the evening meds.
ROUND10_QUIET = [
    "taking my meds now, then bed. night all",
    "tomé mis pastillas de la tensión como siempre y a trabajar",
    "legs are dead after leg day and my phone is about to die too",
    "my brother called me crying, saying he'd be better off dead. how do i help him?",
    "so much caffeine i'm going to die in this meeting",
]


@pytest.mark.parametrize(
    ("text", "category"),
    ROUND7_FOUND
    + ROUND8_FOUND
    + ROUND9_FOUND
    + ROUND10_FOUND
    + ROUND11_FOUND
    + ROUND12_FOUND
    + ROUND13_FOUND,
)
def test_rounds_7_to_13_acts_means_and_threats_are_found(
    detector: Detector, text: str, category: str
) -> None:
    assert category in detector.scan(text).categories


@pytest.mark.parametrize("text", ROUND8_QUIET_CRISIS + ROUND10_QUIET)
def test_rounds_8_and_10_look_alikes_are_not_crisis(detector: Detector, text: str) -> None:
    assert "crisis" not in detector.scan(text).categories
