"""write_report: the printed table and the JSON file named after the checkpoint."""
import json

from slim_mmseg.engine import write_report


def test_prints_the_text_and_writes_the_table_named_after_the_checkpoint(tmp_path, capsys):
    path = write_report({'mIoU': 41.5}, 'mIoU 41.50', str(tmp_path), 'targets', 'runs/x/iter_40000.pth')
    assert path == str(tmp_path / 'targets_iter_40000.json')
    assert json.loads((tmp_path / 'targets_iter_40000.json').read_text()) == {'mIoU': 41.5}
    assert capsys.readouterr().out == f'mIoU 41.50\nWritten: {path}\n'
