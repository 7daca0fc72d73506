"""Words that are not only names, and names that are not players.

``ORDINARY_WORDS``: English and game words. A player whose name is one of them ("Rat", "Healed", "The") is
replaced only where the text uses the word *as a name* (see ``names.py``), so "Killed womp rat" survives.

``KEPT_PHRASES``: well-known NPCs and places of Star Wars Galaxies. They are never player names, and a
player whose name is a word of one ("Nyax", "Theed") is treated like an ordinary word. A session adds its
own quest names, planets, cities and the user's character name to these.
"""

from __future__ import annotations

_ENGLISH = """
a about above across after again against ago all almost alone along already also always am among an and
another any anyone anything are area around as ask asked at away back bad be because been before behind
being below best better between big both bring but buy by call came can cannot case change clear close
come could day did do does done down during each early east easy either else end enough even ever every
far few find fine first for found free from full get give go going gone good got great had half hand
has have he head help her here high him his home hot how i if in inside into is it its just keep kind
know large last late later least left less let life light like line little long look lost lot low made
make man many may me mid might mine more most much must my near need never new next nice night no none
nor north not nothing now of off often oh ok okay old on once one only open or other our out over own
part past place plan play point power put quick quite rather ready real really right round run said same
saw say see seem self set she short should show side since small so some something soon south start
still stop such sure take than thank thanks that the their them then there these they thing think this
those though through time to today together too top toward try turn two under until up upon us use very
wait want was way we well went were west what when where which while who whom whose why wide will with
within without word work would yes yet you young your
able act add age air angel angry answer apple arm army art aunt autumn baby ball band bar bay beach
bean bed bell bird black blade blaze blue board boat body bold bone book boy brave bread bright brother
brown brush buck bull burn bush busy butter button cake calm candy cap car care carry cash castle chance
charm cherry chief child clay cliff cloud coal coast cold color cook cool copper coral corn cotton count
crane crow crown cruel cry cup cure cut dance danger dark dawn dear deep deer desert diamond dirt dove
dream dress drink drop drum dry duke dusk dust eagle earth echo edge egg ember empty faith fall false
fame fan fang farmer fast father feather fern field finch flame flash flint flower fog forest fox frost
fruit fury game garden gate ghost giant gift glass glory glow goat grace grain grass gray green grey
grim guest hail hammer happy harbor hard harp harvest hat haven hazel heart heat heaven heavy hill holy
honey honor hope horn horse hound house ice iron island ivory ivy jade jazz jewel joy judge jump just
kid kiss kite lake lamb lamp lance land lark laser law leaf lemon lily lion lucky luck lunar magic maple
march marsh may meadow mercy metal mild milk mint mist moon morning moss mother mouse music nail neon
nest noble north nova nurse oak ocean olive onyx orange owl page paint pan paper patch peace peach pearl
pepper pie pilot pine pink pit plain plum poet pond pool poppy prince pure queen quest quiet quill rain
raven red reed rich ring river road robin rock rook rose ruby rust sable sage salt sand scarlet sea
seed shade shadow shark sharp shell shield silver sky slate sly smoke snow soft song soul spark spring
star steel stone storm straw stream sugar summer sun swan sweet swift tail tall tea thorn thunder tide
tiger tin token true truth twig valley velvet vine violet voice war water wave whale wheat white wild
wind wing winter wise wolf wood wren yellow zero zone
""".split()

_GAME = """
accept accepted acklay action active afk agent alert ally ambush ancient anyone armor armour arrived
artifact attack attacked bank bantha base battle beast bio bless blood boss bought bounty break buff
buffed buy camp captain cast chat chest cloak coin collect combat commando completed composite crafted
crafter crafting creature credits crystal daily damage dead deal death defeated defend deliver destroy
destroyed dragon droid dungeon elder elite eliminate empire enemy energy entertainer escort event
explore faction fallen farm fight fire fist fragment gather gem gold group grouped guard guide guild
gun healed healer health hero hide holocron hunt hunter imperial item jedi killed king knight krayt
kreetle lair leader legend legendary level loot looted lord lost mail master medic meeting merchant
mine minerals mining mission moff mount nightsister officer outpost palace patrol pilot player potion
precious quest raid raider rancor rare rebel recover rescue resource resources reward rifle rogue sage
scout scroll segment sell selling server session ship skill slayer smuggler soldier speeder spice spy
stim stimpack storm stormtrooper stronghold stuck survey sword target team tell theater tower trade
trader trained trainer travel traveled trooper tusken valuable vendor village warrior waypoint weapon
whisper wizard womp wookiee xp
rat wolf spider worm bird bug bear cat dog snake lizard beetle boar eel fish fly hawk mite bat crab wasp
krayt kimogila nuna kaadu falumpaset dewback ronto eopie varactyl mynock gurk nerf rill tusk cat
""".split()

_MARKERS = "email ip phone card password token webhook license key credentials user redacted private".split()

ORDINARY_WORDS: frozenset[str] = frozenset(_ENGLISH + _GAME + _MARKERS)

KEPT_PHRASES: tuple[str, ...] = (
    # NPCs
    "Lord Nyax", "Jabba the Hutt", "Jabba", "Boba Fett", "Darth Vader", "Vader", "Vader's Fist", "Han Solo",
    "Luke Skywalker", "Leia Organa", "Chewbacca", "Obi-Wan Kenobi", "Yoda", "Emperor Palpatine",
    "Grand Moff Tarkin", "Tusken Raider", "Jawa", "Nym", "Lando Calrissian", "Bib Fortuna", "Max Rebo",
    # planets
    "Tatooine", "Naboo", "Corellia", "Talus", "Rori", "Dantooine", "Lok", "Endor", "Yavin", "Yavin IV",
    "Dathomir", "Kashyyyk", "Mustafar",
    # cities and outposts
    "Mos Eisley", "Mos Espa", "Mos Entha", "Anchorhead", "Bestine", "Wayfar", "Theed", "Keren", "Moenia",
    "Kaadara", "Deeja Peak", "Coronet", "Tyrena", "Kor Vella", "Doaba Guerfel", "Bela Vistal", "Dearic",
    "Nashal", "Narmle", "Restuss", "Nym's Stronghold", "Imperial Outpost", "Mining Outpost",
    "Research Outpost", "Smuggler Outpost", "Jabba's Palace",
)
