"""What a SynthStreets generation holds: domains, counts, sizes, the layout's names and version."""
import json
from dataclasses import asdict, dataclass
from typing import Tuple

GENERATOR_VERSION = 2
MANIFEST_NAME = 'synthstreets.json'
SOURCE_DOMAIN = 'gta5'
TARGET_DOMAINS = ('overcast', 'foggy', 'dusk')
# One invented city per target split; Cityscapes file names are <city>_<sequence>_<frame>_<suffix>.
TARGET_CITIES = {'train': 'westville', 'val': 'eastville'}
DEFAULT_OUT = 'data/synthstreets'


@dataclass(frozen=True)
class SynthStreetsSpec:
    """What to generate. The defaults are the demo dataset; tests use tiny counts and sizes."""
    seed: int = 0
    height: int = 128
    width: int = 256
    source_train: int = 400
    source_val: int = 50
    target_train: int = 50
    target_val: int = 50
    targets: Tuple[str, ...] = TARGET_DOMAINS

    def manifest(self) -> dict:
        # JSON round trip: the manifest on disk (lists, not tuples) must compare equal to a fresh one.
        return json.loads(json.dumps(dict(generator_version=GENERATOR_VERSION, **asdict(self))))
