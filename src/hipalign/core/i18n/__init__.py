"""Languages (issue 20): which ones exist, how a preference is read, and translations of the
shipped content as data.

English is the source language: every content file is written in English, and a translation
lives in a folder named by its language code beside the English file, with the same file name
and the same ids (`core/library/exercises/es/clamshell.toml` translates
`core/library/exercises/clamshell.toml`). A translation holds only the words a person reads;
codes, ids, doses and sources stay in the English file, so they can never drift apart.

A language is *offered* to people only when every content key has a translation (the CI check
in `hipalign i18n check`); until then it is *in progress*: its coverage is reported and its
files are checked, but nobody is shown half a language.
"""

from hipalign.core.i18n.content import (
    ContentKind,
    Translation,
    apply_translation,
    translatable_texts,
    translation_problems,
)
from hipalign.core.i18n.languages import (
    IN_PROGRESS,
    LANGUAGE_NAMES,
    OFFERED,
    SOURCE_LANGUAGE,
    from_environment,
    negotiate,
)

__all__ = [
    "IN_PROGRESS",
    "LANGUAGE_NAMES",
    "OFFERED",
    "SOURCE_LANGUAGE",
    "ContentKind",
    "Translation",
    "apply_translation",
    "from_environment",
    "negotiate",
    "translatable_texts",
    "translation_problems",
]
