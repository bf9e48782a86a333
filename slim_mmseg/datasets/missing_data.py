"""Errors for missing dataset folders and files that say what was expected and how to create it."""
import os.path as osp
from typing import Iterable

from .synthstreets import MAKE_COMMAND

SYNTHSTREETS_HINT = f'For the SynthStreets demo data run: {MAKE_COMMAND}'


def require_dir(path: str, what: str, hint: str) -> None:
    if not osp.isdir(path):
        raise FileNotFoundError(f'{what} not found: expected the folder {osp.abspath(path)}. {hint}')


def require_file(path: str, what: str, hint: str) -> None:
    if not osp.isfile(path):
        raise FileNotFoundError(f'{what} not found: expected the file {osp.abspath(path)}. {hint}')


def require_files(paths: Iterable[str], what: str, hint: str) -> None:
    missing = [p for p in paths if not osp.isfile(p)]
    if missing:
        shown = ', '.join(missing[:5]) + (f' and {len(missing) - 5} more' if len(missing) > 5 else '')
        raise FileNotFoundError(f'{len(missing)} {what} missing: {shown}. {hint}')
