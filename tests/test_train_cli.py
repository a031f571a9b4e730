"""`filternet-coco train`, end to end: the thesis's pairs path (`--config base`) and the shipped recipe (`--config debug`), each killed and resumed."""
import json, shutil


def test_train_base_on_pairs_writes_a_run_and_resumes(cli, data_dir, tmp_path):
    (tmp_path/'photos').mkdir()
    for f in sorted((data_dir/'photos'/'kodak24').glob('*.png'))[:8]: shutil.copy(f, tmp_path/'photos')
    r = cli('pairs', tmp_path/'photos', '-o', tmp_path/'pairs', '--runs', '1', '--size', '64')
    assert r.returncode == 0, r.stderr
    r = cli('train', '--config', 'base', '--dataset', tmp_path/'pairs', '-o', tmp_path/'runs', '--name', 'tiny', '--cache',
            '--set', 'epochs=1', 'finetune_epochs=1', 'bs=4', 'img_size=64', 'loss=pixel')
    assert r.returncode == 0, r.stderr
    run = next((tmp_path/'runs').iterdir())
    assert run.name.endswith('-tiny') and r.stdout.strip().endswith(str(run/'model'))
    # the same run folder as the on-the-fly recipe: one frozen and one fine-tuning epoch, checkpoints 1 and 2
    assert {f.name for f in run.iterdir()} == {'config.json', 'history.csv', 'checkpoint-1', 'checkpoint-2', 'model'}
    cfg = json.loads((run/'config.json').read_text())
    assert (cfg['model']['backbone'], cfg['model']['img_size'], cfg['loss'], cfg['epochs'], cfg['data']) == ('efficientnet_lite0', 64, 'pixel', 1, 'pairs')
    assert 'loss' not in json.loads((run/'model'/'config.json').read_text())     # the model folder keeps the architecture only
    shutil.rmtree(run/'checkpoint-2'); shutil.rmtree(run/'model')      # killed during fine-tuning
    r = cli('train', '--dataset', tmp_path/'pairs', '--resume', run)
    assert r.returncode == 0, r.stderr
    assert (run/'checkpoint-2').is_dir() and (run/'model'/'model.safetensors').is_file()


def test_train_debug_recipe_on_the_fly_resumes(cli, data_dir, tmp_path):
    (tmp_path/'photos').mkdir()
    for f in sorted((data_dir/'photos'/'kodak24').glob('*.png'))[:8]: shutil.copy(f, tmp_path/'photos')
    r = cli('train', '--config', 'debug', '--photos', tmp_path/'photos', '-o', tmp_path/'runs')
    assert r.returncode == 0, r.stderr
    run = next((tmp_path/'runs').iterdir())
    assert run.name.endswith('-debug')
    # stages 0 (statistics branch), 1 (frozen body) and 2 (fine-tuning), one epoch each; the last two checkpoints are kept
    assert {f.name for f in run.iterdir()} == {'config.json', 'split.json', 'history.csv', 'checkpoint-2', 'checkpoint-3', 'model'}
    assert {f.name for f in (run/'checkpoint-3').iterdir()} == {'model.safetensors', 'optimizer.pt', 'rng.pt', 'state.json'}
    split = json.loads((run/'split.json').read_text())
    assert (len(split['train']), len(split['valid']), len(split['test'])) == (5, 2, 1)
    shutil.rmtree(run/'checkpoint-3'); shutil.rmtree(run/'model')     # killed during fine-tuning
    r = cli('train', '--resume', run, '--photos', tmp_path/'photos')       # the same photos as the killed run
    assert r.returncode == 0, r.stderr
    assert (run/'checkpoint-3').is_dir() and (run/'model'/'model.safetensors').is_file()


def test_train_refuses_bad_input_with_one_line(cli, tmp_path):
    for args, msg in ((('--config', 'base', '--dataset', tmp_path/'nothing', '-o', tmp_path/'runs'), 'pairs dataset folder not found'),
                      (('--config', 'base', '--set', 'space=lab'), 'space must be one of'),
                      (('--config', 'nope'), "unknown config 'nope'"),
                      (('--set', 'lr_max=1'), "bad override 'lr_max=1'"),
                      (('--config', 'base', '--dataset', tmp_path, '--set', 'coco=true'), 'coco applies to degradations drawn on the fly'),
                      (('--config', 'debug', '--dataset', tmp_path), '--dataset and --cache are for')):
        r = cli('train', *args)
        last = r.stderr.strip().splitlines()[-1]     # (fastai's import may warn first; our message is one line)
        assert r.returncode == 2 and last.startswith('filternet-coco train: ') and msg in last, (args, r.stderr)
    assert not (tmp_path/'runs').exists()
