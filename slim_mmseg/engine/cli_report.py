"""A command-line evaluation's result table: printed, and written as JSON next to the run's logs."""
import json
import os.path as osp


def write_report(table: dict, text: str, work_dir: str, kind: str, checkpoint: str) -> str:
    """Prints ``text`` (the table formatted for people) and writes ``table`` to
    ``<work_dir>/<kind>_<checkpoint file name without extension>.json``; returns that path."""
    print(text)
    name = osp.splitext(osp.basename(checkpoint))[0]
    path = osp.join(work_dir, f'{kind}_{name}.json')
    with open(path, 'w') as f:
        json.dump(table, f, indent=2)
    print(f'Written: {path}')
    return path
