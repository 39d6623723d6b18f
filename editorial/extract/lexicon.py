"""Language data as plain tables: reporting verbs, pronouns, titles, determiners.

Kept as data (no logic) so a linguist can extend a table without reading the extractor.
Verb forms are listed inflected because the lemmatizer is excluded (it costs 2.9 s to load in
French); a form is matched case-insensitively against one token.
"""

from __future__ import annotations

from editorial.model import Language

# --- reporting verbs --------------------------------------------------------------------------
_EN_VERB_STEMS = """
say says said saying
tell tells told telling
add adds added adding
explain explains explained explaining
write writes wrote writing written
state states stated stating
assert asserts asserted asserting
describe describes described describing
characterize characterizes characterized characterizing characterise characterised
label labels labelled labeled labelling labeling
call calls called calling
note notes noted noting
insist insists insisted insisting
argue argues argued arguing
claim claims claimed claiming
warn warns warned warning
declare declares declared declaring
announce announces announced announcing
comment comments commented commenting
remark remarks remarked remarking
reply replies replied replying
respond responds responded responding
answer answers answered answering
admit admits admitted admitting
acknowledge acknowledges acknowledged acknowledging
confirm confirms confirmed confirming
deny denies denied denying
suggest suggests suggested suggesting
recall recalls recalled recalling
continue continues continued continuing
conclude concludes concluded concluding
observe observes observed observing
ask asks asked asking
urge urges urged urging
tweet tweets tweeted tweeting
post posts posted posting
joke jokes joked joking
quip quips quipped
boast boasts boasted
complain complains complained complaining
concede concedes conceded conceding
emphasize emphasizes emphasized emphasised emphasising
stress stresses stressed stressing
point points pointed
mention mentions mentioned
report reports reported reporting
reveal reveals revealed revealing
predict predicts predicted
promise promises promised
recount recounts recounted
reiterate reiterates reiterated
shout shouts shouted shouting
chant chants chanted chanting
sing sings sang singing
yell yells yelled yelling
scream screams screamed screaming
whisper whispers whispered
exclaim exclaims exclaimed
cry cried
muse muses mused
agree agrees agreed
believe believes believed
think thinks thought
feel feels felt
sigh sighs sighed
interject interjects interjected
advise advises advised
fume fumes fumed
email emails emailed e-mailed
gush gushes gushed
reason reasons reasoned
cite cites cited citing
read reads
retort retorts retorted
snap snaps snapped
scoff scoffs scoffed
counter counters countered
quote quotes quoted
testify testifies testified
recalls recalled
add adds
texted
wonder wonders wondered
""".split()

_FR_VERB_FORMS = """
dit dire dis disent disait disaient déclare déclaré déclarent déclarait déclarer
affirme affirmé affirment affirmait affirmer
explique expliqué expliquent expliquait expliquer
ajoute ajouté ajoutent ajoutait ajouter
précise précisé précisent précisait préciser
indique indiqué indiquent indiquait indiquer
estime estimé estiment estimait estimer
souligne souligné soulignent soulignait souligner
assure assuré assurent assurait assurer
raconte raconté racontent racontait raconter
confie confié confient confiait confier
lance lancé lancent lançait lâche lâché lâchait
répond répondu répondent répondait répondit répondre
réplique répliqué répliquait
poursuit poursuivi poursuivre poursuivait
conclut conclu concluait conclure
prévient prévenu prévenait
renchérit renchéri renchérissait
dénonce dénoncé dénoncent dénonçait
annonce annoncé annoncent annonçait
commente commenté commentait
rappelle rappelé rappellent rappelait
reconnaît reconnaît reconnu reconnaissait
admet admis admettait
insiste insisté insistait
scande scandé scandent scandaient scandant
crie crié crient criait criaient criant
hurle hurlé hurlent hurlait hurlaient
chante chanté chantent chantait chantaient
martèle martelé martelait
note noté notait
observe observé observait
écrit écrivait écrire
s'exclame exclamé
interroge interrogé
demande demandé demandait
nuance nuancé nuançait
corrige corrigé corriger
regrette regretté regrettait
juge jugé jugeait
considère considéré considérait
soutient soutenu soutenait
avertit averti avertissait
appelle appelé appelait
décrit décrivait
qualifie qualifié qualifiait
présente présenté présentait
tweeté tweete publié
déclara affirma expliqua ajouta précisa indiqua estima souligna assura raconta confia lança
répliqua poursuivit rappela reconnut admit insista nota observa écrivit demanda dénonça
annonça avertit prévint
déclarant affirmant expliquant ajoutant précisant indiquant estimant soulignant assurant
évoquant trouvant jugeant dénonçant rappelant reconnaissant insistant relevant promettant
défendu défend défendait promis promet promettait relevé relève relevait
rétorqué rétorque rétorquait rétorqua
évoqué évoque évoquait
""".split()

REPORTING_VERBS: dict[Language, frozenset[str]] = {
    "en": frozenset(_EN_VERB_STEMS),
    "fr": frozenset(_FR_VERB_FORMS),
}
# Verbs that only report when they introduce a quote directly ("thinks" alone is not a cue
# inside a reporter's sentence, but `"...," he thinks.` is).
WEAK_VERBS: dict[Language, frozenset[str]] = {
    "en": frozenset(
        "believe believes believed think thinks thought feel feels felt agree agrees "
        "agreed call calls called calling point points pointed post posts posted "
        "continue continues continued continuing".split()
    ),
    "fr": frozenset(
        "appelle appelé appelait présente présenté présentait juge jugé jugeait "
        "considère considéré considérait trouvant jugeant évoquant évoqué évoque évoquait "
        "défendu défend défendait promis promet promettait promettant".split()
    ),
}
# Multi-word cues, matched on lowercased token sequences; the whole phrase is the cue.
PHRASE_CUES: dict[Language, tuple[tuple[str, ...], ...]] = {
    "en": (
        ("went", "on", "to", "say"),
        ("goes", "on", "to", "say"),
        ("issued", "a", "statement"),
        ("said", "in", "a", "statement"),
        ("call", "for"),
        ("calls", "for"),
        ("called", "for"),
        ("according", "to"),
        ("in", "the", "words", "of"),
        ("chimed", "in"),
        ("chimes", "in"),
    ),
    "fr": (
        ("mis", "l'", "accent"),
        ("met", "l'", "accent"),
        ("d'", "après"),
        ("d'après",),
        ("selon",),
    ),
}
# Cues that introduce the source after them ("according to X", "selon X").
SOURCE_CUES: dict[Language, frozenset[str]] = {
    "en": frozenset({"according to", "in the words of"}),
    "fr": frozenset({"selon", "d'après", "d' après"}),
}
# "For X, ..." / "Pour X, ..." at the start of a sentence attributes what follows (no cue).
OPINION_PREPOSITIONS: dict[Language, frozenset[str]] = {
    "en": frozenset({"for"}),
    "fr": frozenset({"pour"}),
}

# --- pronouns and determiners ---------------------------------------------------------------
PERSON_PRONOUNS: dict[Language, dict[str, str]] = {
    # pronoun -> number ("s" singular, "p" plural)
    "en": {"he": "s", "she": "s", "they": "p", "i": "s", "we": "p"},
    "fr": {
        "il": "s",
        "elle": "s",
        "ils": "p",
        "elles": "p",
        "-il": "s",
        "-elle": "s",
        "-ils": "p",
        "-elles": "p",
        "je": "s",
        "nous": "p",
        "lui": "s",
        "on": "s",
    },
}
DEFINITE_DETERMINERS: dict[Language, frozenset[str]] = {
    "en": frozenset({"the", "this", "that", "these", "those"}),
    "fr": frozenset({"le", "la", "les", "l'", "l’", "ce", "cet", "cette", "ces"}),
}
POSSESSIVE_DETERMINERS: dict[Language, frozenset[str]] = {
    "en": frozenset({"his", "her", "their", "its"}),
    "fr": frozenset({"son", "sa", "ses", "leur", "leurs"}),
}
# Words skipped between a subject and its verb: auxiliaries, clitics, frequent adverbs.
SKIPPABLE: dict[Language, frozenset[str]] = {
    "en": frozenset(
        "has have had was were is are will would also then later has'nt had not "
        "further again previously once recently simply just only".split()
    ),
    "fr": frozenset(
        "a ont avait avaient aura aurait est sont était ensuite alors aussi encore "
        "également lui leur se s' s’ l' l’ y en ne n' pas notamment enfin déjà "
        "toutefois cependant pourtant".split()
    ),
}
# Multi-word adverbials skipped the same way ("a de son côté dénoncé").
SKIPPABLE_PHRASES: dict[Language, tuple[tuple[str, ...], ...]] = {
    "en": (
        ("for", "his", "part"),
        ("for", "her", "part"),
        ("for", "its", "part"),
        ("in", "turn"),
    ),
    "fr": (
        ("de", "son", "côté"),
        ("de", "leur", "côté"),
        ("pour", "sa", "part"),
        ("pour", "leur", "part"),
        ("à", "son", "tour"),
        ("quant", "à", "lui"),
        ("quant", "à", "elle"),
        ("pour", "terminer"),
        ("pour", "finir"),
    ),
}

# --- names ------------------------------------------------------------------------------------
# Titles and honorifics stripped from entity names (compared case-insensitively, final dot optional).
TITLES: frozenset[str] = frozenset(
    """mr mrs ms miss mx dr prof professor sir dame lord lady rev reverend fr father sister
    ambassador president senator sen rep representative governor gov minister premier mayor
    judge justice general gen colonel col captain capt lieutenant lt sergeant sgt commander
    chancellor secretary director chairman chairwoman chief coach pope king queen prince
    princess sheikh saint st officer inspector detective del delegate assemblyman
    assemblywoman councilman councilwoman administrator commissioner
    m mme mmes mlle mm docteur maître me monsieur madame mademoiselle professeur président
    présidente ministre sénateur sénatrice député députée maire juge général colonel capitaine
    commissaire abbé père sœur monseigneur mgr""".split()
)
# Words that make a capitalised span an organisation when they end it ("Mistral AI", "Acme Labs").
ORG_SUFFIXES: frozenset[str] = frozenset(
    """ai inc inc. corp corp. corporation ltd ltd. llc plc gmbh sa sas sarl ag nv bv co co.
    company group holdings labs lab technologies technology systems solutions software networks
    bank airlines airways motors media studios foundation institute university college school
    association federation fédération union council committee commission agency party ministry
    department league club team society partners capital ventures fund""".split()
)
# Nouns that introduce an organisation name right after them ("the startup Hugging Face").
ORG_INTRODUCERS: dict[Language, frozenset[str]] = {
    "en": frozenset(
        "company startup start-up firm group lab laboratory organisation organization "
        "agency bank publisher broadcaster newspaper channel network app platform "
        "maker developer unicorn rival competitor".split()
    ),
    "fr": frozenset(
        "société entreprise start-up startup groupe firme laboratoire organisation "
        "agence banque éditeur quotidien journal chaîne réseau plateforme fédération "
        "association parti syndicat licorne concurrent".split()
    ),
}

# Nouns of time: a phrase they head ("Monday of this week", "lundi dernier") is never a speaker.
TIME_NOUNS: frozenset[str] = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow
    week weekend month year day morning afternoon evening night tonight
    january february march april may june july august september october november december
    lundi mardi mercredi jeudi vendredi samedi dimanche aujourd'hui hier demain semaine
    week-end mois an année jour journée matin après-midi soir soirée nuit
    janvier février mars avril mai juin juillet août septembre octobre novembre décembre""".split()
)
