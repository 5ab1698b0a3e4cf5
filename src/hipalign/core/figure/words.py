"""The figures' fixed words in each language (issue 20): the side written on a demonstration,
its text alternative's frame, and the hip diagram's headings, labels and text alternative.

The words of each demonstration (its key frames' labels) are content, translated as data beside
the English file (library/demos/<lang>/<id>.toml); these few are the drawing's own, so they are
a table here, one entry per language keyed like the English one, and `hipalign i18n check`
fails on a key a shipped language lacks (`word_problems`). A language not here draws in English.
Placeholders are `str.format` names and must be the English ones.
"""

from hipalign.core.i18n.content import _PLACEHOLDER, FORBIDDEN
from hipalign.core.i18n.languages import SOURCE_LANGUAGE

WORDS: dict[str, dict[str, str]] = {
    "en": {
        # A side within a sentence, and as the label drawn on the figure.
        "side.left": "left side",
        "side.right": "right side",
        "side.both": "both sides",
        "label.left": "Left side",
        "label.right": "Right side",
        "label.both": "Both sides",
        "still": "Drawing of {name}, {side}: {frame}.",
        "moving": "Moving drawing of {name}, {side}: {frames}.",
        # The hip diagram (hip_diagram.py): headings, text alternative, labels by part (a
        # label's lines separated by a newline; another language's lines no longer than
        # about 16 characters, the English ones' width in the margins, up to 3 lines).
        "hip.front": "From the front",
        "hip.back": "From behind",
        "hip.alt": (
            "Diagram of the pelvis and both hips. From the front: the bones ({bones}), and the "
            "muscles {front}. From behind: {back}."
        ),
        "hip.mine": " Highlighted, the muscles your plan works: {muscles}.",
        "hip.abdominals": "Abdominals",
        "hip.obliques": "Obliques",
        "hip.iliopsoas": "Hip flexors:\niliopsoas",
        "hip.tensor_fasciae_latae": "Tensor fasciae\nlatae (TFL)",
        "hip.rectus_femoris": "Rectus femoris\n(front of thigh)",
        "hip.adductors": "Adductors\n(inner thigh)",
        "hip.pelvis": "Pelvis (ilium)",
        "hip.sacrum": "Sacrum",
        "hip.hip_joint": "Hip joint:\nball and cup",
        "hip.pubic_bone": "Pubic bone",
        "hip.femur": "Thigh bone\n(femur)",
        "hip.low_back_extensors": "Low back\nmuscles",
        "hip.gluteus_medius": "Gluteus medius\nand minimus",
        "hip.gluteus_maximus": "Gluteus\nmaximus",
        "hip.hamstrings": "Hamstrings\n(back of thigh)",
        "hip.piriformis": "Piriformis",
        "hip.deep_hip_rotators": "Deep hip\nrotators",
    },
    "es": {
        "side.left": "lado izquierdo",
        "side.right": "lado derecho",
        "side.both": "ambos lados",
        "label.left": "Lado izquierdo",
        "label.right": "Lado derecho",
        "label.both": "Ambos lados",
        "still": "Dibujo de {name}, {side}: {frame}.",
        "moving": "Dibujo en movimiento de {name}, {side}: {frames}.",
        "hip.front": "Vista de frente",
        "hip.back": "Vista por detrás",
        "hip.alt": (
            "Dibujo de la pelvis y las dos caderas. De frente: los huesos ({bones}) y los "
            "músculos {front}. Por detrás: {back}."
        ),
        "hip.mine": " Resaltados, los músculos que trabaja su plan: {muscles}.",
        "hip.abdominals": "Abdominales",
        "hip.obliques": "Oblicuos",
        "hip.iliopsoas": "Flexores de\nla cadera:\npsoas ilíaco",
        "hip.tensor_fasciae_latae": "Tensor de la\nfascia lata\n(TFL)",
        "hip.rectus_femoris": "Recto femoral\n(parte delantera\ndel muslo)",
        "hip.adductors": "Aductores\n(parte interna\ndel muslo)",
        "hip.pelvis": "Pelvis (ilion)",
        "hip.sacrum": "Sacro",
        "hip.hip_joint": "Articulación\nde la cadera:\nbola y cavidad",
        "hip.pubic_bone": "Pubis",
        "hip.femur": "Hueso del muslo\n(fémur)",
        "hip.low_back_extensors": "Músculos de la\nzona lumbar",
        "hip.gluteus_medius": "Glúteo medio\ny menor",
        "hip.gluteus_maximus": "Glúteo\nmayor",
        "hip.hamstrings": "Isquiotibiales\n(parte de atrás\ndel muslo)",
        "hip.piriformis": "Piriforme",
        "hip.deep_hip_rotators": "Rotadores\nprofundos",
    },
}


def words_of(language: str) -> dict[str, str]:
    """The language's figure words, English where it has none (a language not offered)."""
    return {**WORDS[SOURCE_LANGUAGE], **WORDS.get(language, {})}


def word(key: str, language: str = SOURCE_LANGUAGE, **values: str) -> str:
    """One figure word in `language`, its placeholders filled in."""
    text = words_of(language)[key]
    return text.format(**values) if values else text


def side_words(side: str, sidedness: str, language: str = SOURCE_LANGUAGE) -> str:
    """The working side within a sentence: "left side", "both sides"; "lado izquierdo"."""
    return word("side.both" if sidedness == "bilateral" else f"side.{side}", language)


def side_label(side: str, sidedness: str, language: str = SOURCE_LANGUAGE) -> str:
    """The side as drawn on the figure: "Left side", "Both sides"; "Lado izquierdo"."""
    return word("label.both" if sidedness == "bilateral" else f"label.{side}", language)


def word_problems(language: str) -> list[str]:
    """What `hipalign i18n check` fails on for one language's figure words: a key the English
    has and it lacks (or the other way round), an empty word, other placeholders, a forbidden
    word. A language with no table at all lacks every key."""
    source, target = WORDS[SOURCE_LANGUAGE], WORDS.get(language, {})
    where = f"figure words {language}"
    problems = [f"{where}: {key}: untranslated" for key in sorted(set(source) - set(target))]
    problems += [
        f"{where}: {key}: no such English word" for key in sorted(set(target) - set(source))
    ]
    forbidden = FORBIDDEN.get(language)
    for key in sorted(set(source) & set(target)):
        text = target[key]
        if not text.strip():
            problems.append(f"{where}: {key}: empty translation")
            continue
        if sorted(_PLACEHOLDER.findall(text)) != sorted(_PLACEHOLDER.findall(source[key])):
            problems.append(f"{where}: {key}: placeholders differ from the English")
        if forbidden is not None and forbidden.search(text):
            problems.append(f"{where}: {key}: uses a forbidden word ({forbidden.pattern})")
    return problems
