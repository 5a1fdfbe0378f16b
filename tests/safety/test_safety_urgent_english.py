"""The most urgent English shapes: something swallowed, hurting oneself now, a high place or
the water reached, a time set beside a decision, a ligature tied, an engine running in a shut
garage, the means in the writer's hand. Rated imminent by the pattern layer alone.

Written for this test as a member might say them (never as instructions); none is in a
labelled set. The look-alikes share the words (medicine as directed, cooking, a walk by the
water, a friend's crisis, a past that is over, a car at the mechanic) and must stay unflagged.
"""

import pytest

from bot.safety.detector import Detector

URGENT = [
    # something swallowed, with a second sign
    "swallowed whatever was in the bathroom drawer half an hour ago, feeling dizzy",
    "i took my dads tablets. sorry everyone",
    "took the whole packet about an hour ago and now im scared",
    "downed them all with the vodka. dont call anyone",
    "meds are in now. goodnight everyone",
    # hurting oneself now
    "cutting again rn, cant stop",
    "burnt myself just now, he didnt even look up",
    "pressing the blade into my arm and it doesnt hurt anymore",
    "the blood wont stop and im scared",
    # a high place or the water reached
    "im up on the roof of the car park, its so quiet up here, nobody knows",
    "sitting at the edge of the quarry for an hour now",
    "walking into the sea. bye",
    # a time set beside a decision
    "4am. thats when.",
    "saturday is the day.",
    "its all decided, tonight once hes asleep",
    # a ligature or the chair
    "ive tied it to the banister. just waiting for the house to empty",
    "standing on the stool with the belt. sorry",
    # an engine in a shut garage
    "garage door shut and the engine is running. thank you all",
    # the means in hand or mouth
    "the tablets are in my mouth and i keep staring at the glass",
    "knife in my lap rn. please say something",
    "💊💊 in my fist now",
    "his rifle is across my knees and the house is empty",
    "on the viaduct rn. its dark",
    "it wont stop bleeding and i did it on purpose",
    # the act named only as "it", or everything got together
    "already did it. theres blood on the floor and im scared",
    "ive got everything i need in the boot. tonight when hes asleep",
    "everythings set up. just waiting for the house to go quiet",
]

LOOKALIKES = [
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
]


@pytest.mark.parametrize("text", URGENT)
def test_english_urgent_line_is_imminent_crisis(detector: Detector, text: str) -> None:
    det = detector.scan(text)
    assert "crisis" in det.categories, text
    assert det.severity == "imminent", (text, det.hits)


@pytest.mark.parametrize("text", LOOKALIKES)
def test_english_lookalike_stays_unflagged(detector: Detector, text: str) -> None:
    det = detector.scan(text)
    assert not det.flagged, (text, det.hits)
