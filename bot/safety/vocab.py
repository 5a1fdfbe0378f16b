"""A small English vocabulary that repairs two disguises the character steps cannot undo alone.

Spaced-out letters lose their word gaps ("i w a n t t o d i e" joins to "iwanttodie"), and
stretched words may hide a real double letter ("diieeee", "killlll"). Both are fixed by picking
the reading made of known words. The list is ordinary chat English plus the words the safety
patterns care about; a word missing here only means the old, plainer repair is used.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import product

_WORDS_TEXT = """
a abandoning able about absolutely abuse abusive accident account across acted actual
actually add adults advice afraid after afternoon again against ago agree agreed air airtag
alarm album alive all allowance allowed almost alone alot already also always am amazing an
and angry annoyed annoying another answers any anybody anymore anyone anyones anything
anyway anywhere apartment apologise apologised apologising apologize apologized apology app
approve apps are argue argued argument arm arms around as ask asked asking asleep assault
assaulted assignment at ate attack attacked attacking attempt avoided awake away awkward
babe baby back background bad badly bag bake banging bank bar barked basement basically
bathroom battery bc bday be beat beating beats became because becomes bed bedroom been
before beg begging behind being best better between bf big bill birthday bit bite blanket
bled blew blink blocked blocks blood book books boots boredom boss both bother bothering
boundary boyfriend boyfriends bracing brain break breakup breathe bring broke brother
brothers bruise bruised bruises budget burden burger burn burnt bus busy but buy buying by
bye cake call called calling calm came can cant car card care cares case cat catch cats
caught cease changed channel chaos character characters charity cheat cheated cheating check
checked checking checks chill choke choked chokes choking christmas city class clean cleaned
clear clearly clockwork close clothes code coercive coffee cold college come comes coming
completely constantly contact context control controlling controls conversations convo
convos cooked cool cooldown cooling cope cops could couldnt counselor counted couple couples
cousin coworker cranky crap crashed crazy cried crime crisis cry crying cupboard cut cute
cycle dad danger dangerous dark date day days dead deal dealt death debate decided decides
decision declined default delete deletes deserve deserved did didnt die died dies difference
different dinner disagree disappear disappeared disappearing discord dishes distance ditch
do does doesnt dog doghouse doing done dont door doubt down drag dragged dramatic drawer
drinking drinks drive drown dumb during dying each easier eat eggshells either else email
embarrassed emergency emotional end ended ending ends enough episode escape even evening
ever every everybody everyone everything everywhere ex exactly exam exams exhausting exist
existence existing exists explain face fact fall family fare farewell fault favourite fear
fears feel feeling feels feet fell few fight fighting fights file finally finances financial
find finds fine finish finished fire first fix flat flinch floor follow followed following
follows for forced forcing forever forgot form fought found four fr frame freaking freezes
friday fridge friend friends from front full funeral games gaslight gaslighting gaslit gave
general genuinely get gets getting gf ghost gift girl girls give gives giving glass go goes
going gone gonna good goodbye goodbyes got grab grabbed grabbing grabs groceries group grown
grumpy guess gun guy guys gym had hadnt haha hair hands hang happened happens happier happy
hard harder harm harming has hasnt hate hated hates have havent having he head healthiest
hear heart heavy hed held hell help helped helping helpless helps her here herself hes
hiding him himself his hit hits hitting hole holiday home honestly hope hopeful hopeless
horror hospital hot hotline hour hours house how hugged hung hungry hurt hurting hurts
husband i id idk if ignore ignored ignores ignoring ill im imagine immediate in insane
inside instagram instead into is isnt isolated isolating isolation it its ive jacket jk job
joke just keep keeps keys kick kicked kicking kicks kids kill killed killer killing kills
kind kinda kitchen kms knife knives knocked know knows last lately later laugh laughed
laughing learned least leave leaves leaving left legal let lets letter letters lied life
lighter like likes line list literally live lives living lmao location lock locked locking
locks lol long longer look looked looks loser lost lot loud love loves lunch lying mad made
make makes making man manager manipulation manipulative many marks marriage married matter
matters maybe me meal mean means meant media meeting memory men messages mid middle might
mileage mind mine minute miserable miss missed mod mods mom money monitor monitoring
monitors month months more morning mostly move moved movie moving much mum murder my myself
name neck need needed needs neighbour never new next nice night no nobody nobodys noise none
normal not note notes nothing notice noticed now nowhere numb number numbers of off often ok
okay old omg on once one ones online only option or other others our ours ourselves out
outside over overreacting overthinking overwhelmed own pack pain painful parents parked part
partner partners party passed password pause pay paycheck peace peaceful people perfect
permanent permanently permission phone phones photo physical physically pic picked picturing
pinned place plan planned planning plans plants play playing please pls point police ppl
pray presentation pretty prob problem processing promise protection proud pulled punch
punched punches punching punish punishes punishment purpose push pushed pushes pushing pushy
put puts question quick quiet quit quitting quote rage raging rather read reads ready real
realised really reason receipts regret relapse relapsed relapsing relationship relief
relieved remember respect rest right rn room rude ruin ruined rule run sad safe safety said
same sat saved saw say saying says scared scary school scream screamed screaming season
second see seeing seen sees self send sends sensitive sent serious seriously server set
sewerslide shaking share she shell shes shift shoes shoot shot should shoulder shouldnt
shoved shoves shoving show showed shower showing shows sh shut shutdown shuts sick signs
silence silent since single sister sisters sitting slap slapping slaps sleep sleeping slept
small smashed so social some someone something sometimes somewhere son song soon sorry
sorted sounds space speak speaking spend spent stab stabbed stairs stalk stalked stalker
stalking stalks stares start started starting stay stayed staying still stonewalling stood
stop stopped stopping stops store strangle strangled strangling street stressed stuck stuff
stupid such suffer suffering suicidal suicidally suicide sulking sulks super support sure
survived swear sweet table take taken takes taking talk talked talking talks tbh tea tell
telling tells ten terrified than thank thanks that thats the their them themselves then
therapist therapy there theres they theyd thing things think thinking this tho those though
thought thoughts threat threaten threatened threatening threatens threats threw throat
through throws till time times tips tired tmrw to today together told tomorrow tonight too
took toxic tracked tracker tracking tracks traffic trapped treatment tried trip true trust
try trying turn turned tv twice twisted two u ugh ultimatum unalive unalived unaliving under
understand unsafe until up update upset us use used useless usually vanish vanished vent
venting video violent visit wait waiting wake waking walk walked walking wall wanna want
wanted wanting wants warning was wasnt waste watch way ways we weapon wear week weekend
weeks weird well went were what whatever whats when whenever where which while who whole why
wife wifi will window wish wishes wishing with without wont word wore work worked working
works world worried worry worse worst worth worthless would wouldnt write writing wrong
wrote ya year years yell yelled yelling yes yesterday you youll your youre yours yourself
"""
WORDS = frozenset(_WORDS_TEXT.split())
_LONGEST = max(map(len, WORDS))


@lru_cache(maxsize=4096)
def segment(letters: str) -> str | None:
    """Splits run-together letters into the fewest known words, or None if no full split."""
    if letters in WORDS:
        return letters
    n = len(letters)
    count: list[int | None] = [0] + [None] * n  # fewest words covering letters[:end]
    start_of: list[int] = [0] * (n + 1)
    for end in range(1, n + 1):
        for start in range(max(0, end - _LONGEST), end):
            before = count[start]
            if before is None or letters[start:end] not in WORDS:
                continue
            current = count[end]
            if current is None or before + 1 < current:
                count[end] = before + 1
                start_of[end] = start
    if count[n] is None:
        return None
    words: list[str] = []
    end = n
    while end:
        words.append(letters[start_of[end] : end])
        end = start_of[end]
    return " ".join(reversed(words))


@lru_cache(maxsize=4096)
def unstretch(word: str) -> str:
    """ "diieeee" -> "die", "killlll" -> "kill": each run of a letter becomes one or two
    letters, preferring a known word; otherwise runs of three or more become one."""
    runs: list[tuple[str, int]] = []
    for ch in word:
        if runs and runs[-1][0] == ch:
            runs[-1] = (ch, runs[-1][1] + 1)
        else:
            runs.append((ch, 1))
    plain = "".join(ch if count > 2 else ch * count for ch, count in runs)
    if plain in WORDS:
        return plain
    doubles = [i for i, (_, count) in enumerate(runs) if count >= 2]
    if len(doubles) > 6:
        return plain
    for choice in product((1, 2), repeat=len(doubles)):
        counts = dict(zip(doubles, choice, strict=True))
        candidate = "".join(ch * counts.get(i, 1) for i, (ch, _) in enumerate(runs))
        if candidate in WORDS:
            return candidate
    return plain
