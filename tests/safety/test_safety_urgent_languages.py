"""The most urgent lines in every language we read: an act under way or done, means at hand,
a place reached, a time set beside a decision, a ligature tied, an engine in a shut garage.
Rated imminent by the pattern layer alone.

Written for this test as a member might say them (never as instructions); none is in a
labelled set. The look-alikes share the words (medicine as directed, a haircut, a bridge on
the way home, a friend's crisis, a past that is over) and must stay unflagged.
"""

import pytest

from bot.safety.detector import Detector

URGENT = [
    # it
    ("it", "ho preso tutte le pastiglie di mia madre, mi gira la testa"),
    ("it", "mi sto tagliando adesso in bagno, non riesco a fermarmi"),
    ("it", "ho la lametta in mano, ditemi qualcosa"),
    ("it", "sono salita sul cornicione del palazzo, fa freddo e nessuno sa dove sono"),
    ("it", "stanotte alle due, ho deciso. le lettere sono sul tavolo"),
    # nl
    ("nl", "heb net al mijn slaappillen ingenomen, sorry"),
    ("nl", "ik snij mezelf weer, het bloedt"),
    ("nl", "het mes ligt naast me op bed. wat moet ik doen"),
    ("nl", "ik sta op de brug bij het station, het is donker en ik wil niet meer"),
    ("nl", "morgenvroeg gebeurt het. ik heb het besloten"),
    # pl
    ("pl", "połknęłam wszystkie tabletki mamy, jest mi słabo"),
    ("pl", "znowu się tnę w łazience"),
    ("pl", "mam nóż w ręku, co mam robić"),
    ("pl", "stoję na moście, nikt nie wie gdzie jestem"),
    ("pl", "jutro rano bedzie po wszystkim, listy do rodziny leza w szafce"),
    # de
    ("de", "hab alle schlaftabletten von meiner mutter geschluckt, mir ist schlecht"),
    ("de", "hab mich gerade wieder geritzt, es hört nicht auf"),
    ("de", "die klinge liegt vor mir und ich weiss nicht was ich machen soll"),
    ("de", "ich stehe oben auf dem parkhaus, es ist windig, keiner weiss wo ich bin"),
    ("de", "heute nacht um drei. ich hab mich entschieden"),
    # fr
    ("fr", "j'ai avalé toutes les pilules de ma mère, pardon"),
    ("fr", "je suis en train de me scarifier, je n'arrive pas à arrêter"),
    ("fr", "j'ai le couteau dans la main, je fais quoi"),
    ("fr", "je suis sur le pont et personne ne sait où je suis"),
    ("fr", "demain matin ce sera fini, j'ai laissé une lettre"),
    # es
    ("es", "me tomé todas las pastillas de mi abuela, ya me da sueño"),
    ("es", "me estoy cortando otra vez en el baño"),
    ("es", "tengo la cuchilla en la mano, qué hago"),
    ("es", "estoy en la azotea del edificio, hace frío y nadie sabe"),
    ("es", "esta noche a las dos. ya está decidido"),
    # pt
    ("pt", "tomei todos os remédios da minha mãe, tô ficando tonta, desculpa"),
    ("pt", "tô me cortando no banheiro agora"),
    ("pt", "a faca tá aqui do lado da cama, alguém fala comigo"),
    ("pt", "tô em cima do viaduto, tá escuro e ninguém sabe"),
    ("pt", "amanhã cedo acaba tudo. deixei tudo organizado"),
    # on the tracks or past the railing, a weapon fetched
    ("es", "estoy sentada en las vías, no me quiero ir"),
    ("fr", "j'ai enjambé la rambarde du pont"),
    ("pl", "przeszłam przez barierkę na wiadukcie"),
    ("fr", "j'ai sorti le fusil de mon père, il est sur le lit"),
    ("nl", "heb het jachtgeweer van mijn vader uit de kast gehaald, ik weet niet wat ik moet doen"),
    ("de", "ich springe jetzt"),
    ("pt", "já tomei. tô deitada esperando, obrigada por tudo"),
    ("pl", "siedzę w wannie z żyletką, już zaczęłam"),
    ("es", "estoy en el puente y no quiero volver"),
    ("it", "sono in macchina nel box chiuso col motore acceso"),
    ("it", "ho chiuso le finestre e aperto il gas"),
    ("it", "sono seduta sul parapetto del cavalcavia"),
    ("nl", "ik heb het gedaan. alle pillen. sorry"),
    ("nl", "de kat is naar mijn zus gebracht. vanavond"),
    # en: a time set beside a decision or a farewell
    ("en", "sunday at 4am. i've decided"),
    ("en", "tomorrow morning, once he leaves. the letters are in the drawer"),
    # diacritics left out, as many members type
    ("pl", "polknelam wszystkie tabletki, przepraszam"),
    ("de", "ich steh auf der brucke, es ist kalt. tschuss"),
    ("fr", "jai tout avale avec le vin, desolee"),
    # en: something swallowed, with a second sign
    ("en", "swallowed whatever was in the bathroom drawer half an hour ago, feeling dizzy"),
    ("en", "i took my dads tablets. sorry everyone"),
    ("en", "took the whole packet about an hour ago and now im scared"),
    ("en", "downed them all with the vodka. dont call anyone"),
    ("en", "meds are in now. goodnight everyone"),
    # en: hurting oneself now
    ("en", "cutting again rn, cant stop"),
    ("en", "burnt myself just now, he didnt even look up"),
    ("en", "pressing the blade into my arm and it doesnt hurt anymore"),
    ("en", "the blood wont stop and im scared"),
    # en: a high place or the water reached
    ("en", "im up on the roof of the car park, its so quiet up here, nobody knows"),
    ("en", "sitting at the edge of the quarry for an hour now"),
    ("en", "walking into the sea. bye"),
    # en: a time set beside a decision
    ("en", "4am. thats when."),
    ("en", "saturday is the day."),
    ("en", "its all decided, tonight once hes asleep"),
    # en: a ligature or the chair
    ("en", "ive tied it to the banister. just waiting for the house to empty"),
    ("en", "standing on the stool with the belt. sorry"),
    # en: an engine in a shut garage
    ("en", "garage door shut and the engine is running. thank you all"),
    # en: the means in hand or mouth
    ("en", "the tablets are in my mouth and i keep staring at the glass"),
    ("en", "knife in my lap rn. please say something"),
    ("en", "💊💊 in my fist now"),
    ("en", "his rifle is across my knees and the house is empty"),
    ("en", "on the viaduct rn. its dark"),
    ("en", "it wont stop bleeding and i did it on purpose"),
    # en: the act named only as "it", or everything got together
    ("en", "already did it. theres blood on the floor and im scared"),
    ("en", "ive got everything i need in the boot. tonight when hes asleep"),
    ("en", "everythings set up. just waiting for the house to go quiet"),
    # en: a time set written as a clock time, a date or "<something> night" (kept when the
    # time-set family was split so the word index can key each part)
    ("en", "11:45 is when. sorry everyone"),
    ("en", "the 9th. thats the day"),
    ("en", "quiz night = the night. bags packed"),
    ("en", "fridays it. handed in my notice"),
    ("en", "i have everything ready for saturday. just needed to say it once"),
    # en: hurting oneself with a second sign other than the partner being there
    ("en", "scratched my arm open with my keys, sat in the car crying"),
    ("en", "banging my head on the floor over and over"),
    # one's own means at hand or taken, then "what do I do?" (no general question)
    ("de", "die tabletten liegen neben mir. was mach ich bloß?"),
    ("it", "ho preso tutte le pillole, cosa faccio?"),
    ("pl", "wzięłam wszystkie tabletki, co teraz?"),
    # round 2 (issue 12): it all taken, switching off for good, the means "to end it" kept,
    # walking into water, steering into a tree, "how and where" while waiting, a car at water
    ("es", "ya me tragué todas, lo que quedaba en el botiquín."),
    ("pt", "já engoli tudo o que sobrou da gaveta"),
    ("fr", "je me déconnecte pour toujours ce soir"),
    ("es", "tengo todo lo que necesito para acabar con esto en el armario"),
    ("nl", "ik heb de exit-spullen in mijn la"),
    ("it", "sto entrando nel mare con i vestiti, addio"),
    ("nl", "tegen een boom rijden, dat ga ik doen op de snelweg"),
    ("fr", "je vais foncer dans un arbre sur la nationale"),
    ("es", "sé cómo y dónde, solo espero que él se vaya de viaje"),
    ("nl", "zit in de auto bij het water. niemand weet waar ik ben"),
    ("de", "ich fahre jetzt zur brücke, tut mir leid"),
    # round 3 (issue 12): a day with a goodbye, means and time in emoji, what was saved up
    # taken, going to "see" someone who has died, wanting to jump from a named height
    ("pt", "amanhã é o dia. adeus a todos"),
    ("en", "💊 ready, 🕚 tonight. bye 👋"),
    ("de", "heute abend gehe ich zu meinem papa. er ist seit drei jahren tot"),
    ("nl", "ik heb geslikt wat ik had gespaard, sorry"),
    ("it", "ho preso tutto quello che avevo messo da parte"),
    ("fr", "je vais sauter, je suis sur le toit de mon immeuble"),
]

LOOKALIKES = [
    # medicine as directed, a headache
    "ho preso le pillole per il mal di testa e vado a dormire",
    "j'ai pris mes cachets comme d'habitude et je vais me coucher",
    "hab meine tabletten genommen wie immer, gute nacht",
    "tomei os comprimidos como o médico disse",
    "heb mijn pillen ingenomen zoals voorgeschreven",
    # a haircut, cooking
    "mi sto tagliando i capelli da sola, speriamo bene",
    "me estoy cortando el pelo yo misma jaja",
    "je me coupe les cheveux ce soir",
    # a bridge, a roof, a platform on an ordinary day
    "ik sta op de brug te wachten op de bus",
    "estoy en la azotea tendiendo la ropa",
    # a knife or scissors for a job
    "ho le forbici in mano per incartare i regali",
    "das messer liegt auf dem tisch, das gemüse ist geschnitten",
    "me tomé el ibuprofeno que me recetó el doctor, gracias chicas",
    "j'ai sorti le couteau du tiroir pour couper le pain",
    "ho preso il fucile dello zio per la gara di tiro a segno domenica",
    "já tomei café, bom dia meninas",
    "siedzę w wannie z książką i herbatą",
    "acabei de me queimar no fogão, que raiva",
    "ho aperto il gas per cucinare la pasta",
    "morgen ben ik vrij, ik kom niet terug naar kantoor",
    "de kat is bij mijn zus gebracht, we gaan morgen op vakantie",
    # a time set for something else
    "domani alle sette ho deciso di andare in palestra",
    "stasera alle nove vado al cinema con le amiche",
    "morgen früh um acht habe ich einen termin beim zahnarzt",
    "deixei tudo pronto pra viagem de amanhã cedo",
    "tomorrow at 9 ive decided to finally ask for a raise",
    # someone else's crisis
    "mój syn się pociął, co mam mu powiedzieć",
    "minha amiga disse que tá na ponte, o que eu faço",
    # a past that is over
    "vroeger sneed ik mezelf, nu al jaren niet meer",
    "damals hab ich mich geritzt, das ist lange vorbei",
    # English: the same words on an ordinary day
    "took my tablets this morning like the doctor said",
    "took them to the vet for their jabs, all fine",
    "cutting onions for dinner, brb",
    "my friend has been cutting again, how do i help her?",
    "walked the dog round the reservoir, so windy today",
    "we love sitting on the pier with chips",
    "saturday is the day of the wedding, so excited",
    "tied the rope to the tree for a swing",
    "standing on a chair to change the lightbulb",
    "the car is at the garage, engine running fine now",
    "knife in hand, chopping veg for the soup",
    "ten years ago i took everything in the cabinet. im safe now and doing well",
    "cut my thumb slicing bread and it wont stop bleeding",
    "on the bridge by the canal feeding the ducks with my niece",
    "new antidepressants are kicking in, feeling more like me",
    "i did it! passed my driving test, sorry for the spam",
    "did it. sorry for the late reply",
    "finally did it, i told him im moving out. so scared",
    "everythings ready for the party tonight",
    "bought all i need for the bake sale tomorrow",
    # everything got together for an errand or an event, not for a time
    "got everything i need for the bake sale tomorrow",
    "i have everything ready for the party tonight",
    "ive got everything sorted for the move on saturday",
    # the partner in the room is not a second sign on its own
    "pressing the knife into the dough while he does the sauce",
    "it was 3am. thats when the baby finally slept",
    # a trip under way at a bridge or platform (older place families read the place alone)
    "sono sul ponte col treno, arrivo tra dieci minuti",
    "ich stehe am bahnsteig, zug hat verspätung",
    "op het perron, trein heeft weer vertraging",
    # round 2 look-alikes: a drink finished, a wedding date, a trip to the sea, a near miss
    "ya me tomé todo el café, me voy a trabajar",
    "ich fahre jetzt zur brücke, treffen um acht",
    "ik zit in de auto bij de rivier, lekker weer",
    "ya elegí la fecha de la boda",
    "hoe en waar kan ik mijn paspoort verlengen",
    "ho preso la macchina e vado al mare con gli amici",
    "j'ai failli foncer dans un arbre hier avec le verglas",
    # round 3 look-alikes: an exam day or a trip with a goodbye, emoji in a cooking post, a
    # holiday countdown, a visit to a parent who is alive, "how and where" for an errand
    "today's the day! exam at 9, bye everyone 👋",
    "🔪 ready, 🕖 dinner tonight, chopping onions, bye!",
    "3 days left till holiday! bye work 👋",
    "vandaag is de dag, mijn vlucht naar lissabon. doei!",
    "i'm going to see my mum tonight, she's been ill all week",
    "ik weet hoe en waar ik mijn paspoort moet verlengen",
    "ive picked the place for our anniversary dinner",
    "give me one reason not to buy this jacket lol",
]


# A jump or a goodbye beside a trip under way (the commute_in_progress exclusion keeps the
# trip alone quiet: see LOOKALIKES).
COMMUTE_WITH_A_JUMP = [
    "ich stehe am bahnsteig und springe wenn der zug kommt, zug hat verspätung",
    "sono sul ponte col treno fermo, stasera mi butto, addio",
]


@pytest.mark.parametrize(("lang", "text"), URGENT)
def test_urgent_line_is_imminent_crisis(detector: Detector, lang: str, text: str) -> None:
    det = detector.scan(text)
    assert "crisis" in det.categories, (lang, text)
    assert det.severity == "imminent", (lang, text, det.hits)


@pytest.mark.parametrize("text", LOOKALIKES)
def test_lookalike_stays_unflagged(detector: Detector, text: str) -> None:
    det = detector.scan(text)
    assert not det.flagged, (text, det.hits)


@pytest.mark.parametrize("text", COMMUTE_WITH_A_JUMP)
def test_a_jump_or_goodbye_beside_a_commute_is_still_crisis(detector: Detector, text: str) -> None:
    assert "crisis" in detector.scan(text).categories
