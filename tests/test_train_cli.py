"""`filternet-coco train`, end to end: a tiny pairs set, one frozen epoch on cached features, one fine-tuning epoch, then resume."""
import json, shutil


def test_train_writes_a_run_and_resumes(cli, data_dir, tmp_path):
    (tmp_path/'photos').mkdir()
    for f in sorted((data_dir/'photos'/'kodak24').glob('*.png'))[:8]: shutil.copy(f, tmp_path/'photos')
    r = cli('pairs', tmp_path/'photos', '-o', tmp_path/'pairs', '--runs', '1', '--size', '64')
    assert r.returncode == 0, r.stderr
    args = ('train', tmp_path/'pairs', '-o', tmp_path/'runs', '--name', 'tiny', '--epochs', '1', '--finetune-epochs', '1',
            '--bs', '4', '--img-size', '64', '--loss', 'pixel', '--cache')
    r = cli(*args)
    assert r.returncode == 0, r.stderr
    run = next((tmp_path/'runs').iterdir())
    assert run.name.endswith('-tiny') and r.stdout.strip().endswith(str(run/'model'))
    assert {f.name for f in run.iterdir()} >= {'config.json', 'history_frozen.csv', 'history_finetune.csv', 'checkpoints', 'model'}
    cfg = json.loads((run/'model'/'config.json').read_text())
    assert (cfg['backbone'], cfg['img_size'], cfg['loss'], cfg['epochs']) == ('efficientnet_lite0', 64, 'pixel', 1)
    (run/'checkpoints'/'finetune_0.pth').unlink()                       # killed during fine-tuning
    r = cli('train', tmp_path/'pairs', '--resume', run)
    assert r.returncode == 0, r.stderr
    assert (run/'checkpoints'/'finetune_0.pth').is_file()


def test_train_refuses_bad_input_with_one_line(cli, tmp_path):
    r = cli('train', tmp_path/'nothing', '-o', tmp_path/'runs')
    assert r.returncode != 0 and 'pairs dataset folder not found' in r.stderr
    assert not (tmp_path/'runs').exists()
    r = cli('train', tmp_path, '--space', 'lab')
    assert r.returncode != 0 and 'space must be one of' in r.stderr
