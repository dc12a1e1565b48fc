"""Questionnaire versions made from YAML text, the shortest way, for tests.

The app itself parses and saves in two steps (`parse_document`, `save_document`), so that the
command and the admin can report a file's problems before anything is written.
"""

from assessments.models import Questionnaire
from assessments.questionnaire_file.document import parse_document
from assessments.questionnaire_file.store import save_document

# The models in tests/fixtures/ that read and write back byte for byte: one of each kind of model.
FIXTURE_MODELS = [
    "every_type",
    "question_types",
    "show_if",
    "own_scale",
    "bands",
    "progress",
    "roles",
    "flat",
    "crosswalk",
    "translated",
]


def load_text(text: str, *, publish: bool) -> Questionnaire:
    return save_document(parse_document(text), publish=publish)
