"""Train the embedded default FilterNet on CPU in minutes, evaluate it, and ship it.

The recipe (`make train-default`):
1. read a moderate-regime pairs dataset (`filternet-coco pairs`, index.csv with train/valid/test splits);
2. run the frozen ImageNet EfficientNet-Lite0 body ONCE over every degraded thumbnail and cache the
   pooled features (the body is frozen in the thesis's first phase, so this is exact, and ~50x cheaper
   than recomputing it every epoch on a CPU);
3. train only the Table 3.1 head (BN, dropout, Maskout and all) through the differentiable filters,
   the loss comparing the rendered degraded photo with the original at `--loss-size` px
   (the filters are global, so a small render carries the same information);
4. one head per loss variant (`--variants pixel base`), the default is the variant with the best
   *validation* PSNR (never the test split);
5. score every variant, the classical baselines and the oracle on the held-out test split and on the
   FiveK expert pairs; write the fp16 weights, config.json, training.json, evaluation tables.

Usage: .venv/bin/python tools/train_default.py [--dataset data_cache/pairs_moderate_6] [--minutes 20]
"""
from __future__ import annotations
import argparse, copy, hashlib, json, math, shutil, sys, time
from datetime import datetime, timezone
from pathlib import Path
import numpy as np, torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from filternet_coco.filternet.model import FilterNet, FilterNetConfig, create_filternet_head, _to_batch
from filternet_coco.filternet.evaluate import (load_pairs, standard_methods, method_from_model, evaluate_methods,
                                               write_table, load_fivek_pairs, image_methods)

OUT = ROOT/'filternet_coco'/'weights'/'filternet_default'


def log(*a):
    print(time.strftime('%H:%M:%S'), *a, flush=True)


def data_hash(dataset: Path) -> str:
    "sha256 of the dataset's index.csv (it names every file and every degradation)."
    return hashlib.sha256((dataset/'index.csv').read_bytes()).hexdigest()


def split_model(model: FilterNet, k: int) -> tuple:
    "(frozen prefix, trainable suffix) of the network: k=0 freezes the whole body, k>0 trains body blocks k.. too."
    body = model.body
    if k == 0: return (lambda x: model.head[:2](model.features(x))), model.head[2:]
    norm = lambda x: (x - model.mean) / model.std
    prefix = lambda x: body[2][:k](body[1](body[0](norm(x))))
    return prefix, torch.nn.Sequential(body[2][k:], body[3], body[4], model.head)


@torch.no_grad()
def cache_features(prefix, imgs: list, size: int, bs: int = 16) -> torch.Tensor:
    "Outputs of the frozen prefix for uint8 photos, preprocessed exactly like `predict_params`."
    return torch.cat([prefix(torch.cat([_to_batch(im, size, 'cpu') for im in imgs[i:i + bs]])) for i in range(0, len(imgs), bs)])


def _bn_eval(m):
    "Keep the body's BatchNorm statistics frozen while its weights train."
    for mod in m.modules():
        if isinstance(mod, torch.nn.BatchNorm2d): mod.eval()


def small(imgs: list, size: int) -> torch.Tensor:
    "uint8 photos as a float batch (N, 3, size, size) for the loss."
    return torch.cat([_to_batch(im, size, 'cpu') for im in imgs])


def train_head(model, head, loss_fn, feats, deg, orig, vfeats, vdeg, vorig, epochs, bs, lr, seed, body_lr_mult=0.1):
    "One-cycle AdamW on the trainable suffix `head` (the Table 3.1 head, plus body blocks if any), through the filters."
    torch.manual_seed(seed)
    ids = {id(p) for p in model.head.parameters()}
    groups = [dict(params=[p for p in head.parameters() if id(p) in ids], lr=lr),
              dict(params=[p for p in head.parameters() if id(p) not in ids], lr=lr * body_lr_mult)]
    groups = [g for g in groups if g['params']]
    opt = torch.optim.AdamW(groups, lr=lr, weight_decay=0.01)
    steps = epochs * math.ceil(len(feats) / bs)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=[g['lr'] for g in groups], total_steps=steps, pct_start=0.25)
    history = []
    for ep in range(epochs):
        head.train(); _bn_eval(model.body); t0 = time.time(); tot = 0.
        for idx in torch.randperm(len(feats)).split(bs):
            if len(idx) < 2: continue
            pred = model.render(deg[idx], head(feats[idx]))
            loss = loss_fn(pred, orig[idx])
            opt.zero_grad(); loss.backward(); opt.step(); sched.step()
            tot += loss.item() * len(idx)
        head.eval()
        with torch.no_grad():
            vp = model.render(vdeg, head(vfeats))
            vpsnr = float((10 * torch.log10(1 / ((vp - vorig) ** 2).mean((1, 2, 3)))).mean())
        history.append(dict(epoch=ep, train_loss=tot / len(feats), valid_psnr=vpsnr, seconds=time.time() - t0))
        log(f'  epoch {ep}: train loss {tot / len(feats):.4f}  valid PSNR {vpsnr:.2f} dB  ({time.time() - t0:.0f}s)')
    return history


def parse_variant(spec: str, epochs: int) -> tuple[int, str, int]:
    "'4:base:3' -> (4, 'base', 3); the epochs default to `epochs`."
    parts = spec.split(':')
    if len(parts) not in (2, 3) or not parts[0].isdigit() or not 0 <= int(parts[0]) <= 6:
        raise SystemExit(f'train_default: bad variant {spec!r}; expected K:LOSS[:EPOCHS] with K in 0..6, e.g. 4:pixel:3')
    return int(parts[0]), parts[1], int(parts[2]) if len(parts) == 3 else epochs


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--dataset', default=str(ROOT/'data_cache'/'pairs_moderate_6'), help='pairs dataset folder (index.csv)')
    ap.add_argument('--out', default=str(OUT), help='where the default weights go')
    ap.add_argument('--runs', default=str(ROOT/'runs'), help='folder of run records and variant checkpoints')
    ap.add_argument('--variants', nargs='+', default=['0:pixel:4', '4:pixel:3', '4:base:3'],
                    help='K:LOSS[:EPOCHS] per variant: body stages >= K train (0: frozen body), loss preset pixel|base|strong')
    ap.add_argument('--train-runs', type=int, default=10, help='degradation runs per training photo to use')
    ap.add_argument('--test-runs', type=int, default=2, help='degradation runs per test photo to score')
    ap.add_argument('--img-size', type=int, default=160, help='thumbnail side seen by the network')
    ap.add_argument('--loss-size', type=int, default=32, help='side of the renders compared by the loss')
    ap.add_argument('--epochs', type=int, default=3, help='epochs of variants that do not give theirs')
    ap.add_argument('--bs', type=int, default=32)
    ap.add_argument('--lr', type=float, default=2e-3, help='peak one-cycle learning rate of the head (body: 1/10)')
    ap.add_argument('--threads', type=int, default=1, help='torch threads (1 is fastest on a busy shared CPU)')
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--no-fivek', action='store_true', help='skip the FiveK external check')
    ap.add_argument('--extra', nargs='*', default=[], help='NAME=FOLDER of already trained FilterNets to score in the same tables')
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    t_start = time.time()
    dataset = Path(a.dataset)
    if not (dataset/'index.csv').is_file():
        raise SystemExit(f'train_default: no pairs dataset at {dataset} (index.csv missing); build it with '
                         f'`filternet-coco pairs ../shared/data/photos -o {dataset}` first')
    run_dir = Path(a.runs)/f'{datetime.now(timezone.utc):%Y%m%d-%H%M}-filternet-default'
    run_dir.mkdir(parents=True, exist_ok=True)

    log('loading pairs from', dataset)
    tr, va, te = (load_pairs(dataset, s, runs=r) for s, r in (('train', a.train_runs), ('valid', 1), ('test', a.test_runs)))
    names = tr['names']
    log(f'{len(tr["degraded"])} train / {len(va["degraded"])} valid / {len(te["degraded"])} test pairs, filters {names}')

    torch.manual_seed(a.seed)
    cfg = FilterNetConfig(filters=','.join(names), img_size=a.img_size, epochs=a.epochs,
                          finetune_epochs=0, lr=a.lr, bs=a.bs, regime='moderate')
    model = FilterNet(cfg).eval()
    deg, orig = small(tr['degraded'], a.loss_size), small(tr['original'], a.loss_size)
    vdeg, vorig = small(va['degraded'], a.loss_size), small(va['original'], a.loss_size)
    log(f'identity (do nothing) valid PSNR: {float((10 * torch.log10(1 / ((vdeg - vorig) ** 2).mean((1, 2, 3)))).mean()):.2f} dB')

    from filternet_coco.filternet.loss import FilterNetLoss
    init_head, caches, t_cache = copy.deepcopy(model.head), {}, {}
    variants, records = {}, {}
    for spec in a.variants:
        k, loss, epochs = parse_variant(spec, a.epochs)
        if k not in caches:   # the frozen part of the network runs once per training photo
            cache = Path(a.runs)/f'features-{data_hash(dataset)[:12]}-img{a.img_size}-runs{a.train_runs}-k{k}-seed{a.seed}.pt'
            t0 = time.time()
            if cache.is_file(): caches[k] = torch.load(cache); log(f'reusing the feature cache {cache}')
            else:
                log(f'caching frozen features (body stages < {k}) ...' if k else 'caching frozen body features ...')
                caches[k] = tuple(cache_features(split_model(model, k)[0], s['degraded'], a.img_size) for s in (tr, va))
                torch.save(caches[k], cache)
            t_cache[k] = time.time() - t0
            log(f'cached {sum(len(c) for c in caches[k])} feature tensors in {t_cache[k]:.0f}s')
        name = f'FilterNet lite0 {"frozen" if not k else f"body stages {k}+ fine-tuned"}, {loss} loss'
        log(f'training {name} for {epochs} epochs')
        m = copy.deepcopy(model); m.head = copy.deepcopy(init_head); m.config = copy.deepcopy(cfg)
        m.config.loss, m.config.epochs, m.config.finetune_epochs = loss, epochs, epochs if k else 0
        t0 = time.time()
        hist = train_head(m, split_model(m, k)[1], FilterNetLoss(m.config), caches[k][0], deg, orig, caches[k][1], vdeg, vorig, epochs, a.bs, a.lr, a.seed)
        m.eval()
        folder = run_dir/f'variant-k{k}-{loss}'
        m.save_pretrained(folder, dtype=torch.float16)
        variants[name] = FilterNet.from_pretrained(folder).float()   # score what ships: the fp16 weights
        records[name] = dict(spec=spec, folder=str(folder), history=hist, train_seconds=time.time() - t0, feature_cache_seconds=t_cache[k])
    for e in a.extra:
        name, folder = e.split('=', 1)
        variants[name] = FilterNet.from_pretrained(folder).float()
        records[name] = dict(folder=folder)
    with torch.no_grad():   # every candidate scored the same way: thumbnails -> params -> render at the loss size
        thumbs = torch.cat([_to_batch(im, a.img_size, 'cpu') for im in va['degraded']])
        for name, m in variants.items():
            vp = m.render(vdeg, m.predict(thumbs))
            records[name]['valid_psnr'] = float((10 * torch.log10(1 / ((vp - vorig) ** 2).mean((1, 2, 3)))).mean())
            log(f'{name}: valid PSNR {records[name]["valid_psnr"]:.2f} dB')
    best = max(records, key=lambda v: records[v]['valid_psnr'])
    log(f'default variant (best validation PSNR): {best}')

    log('evaluating on the held-out test split ...')
    methods = {**standard_methods(), **{v: method_from_model(m) for v, m in variants.items()}}
    rows = evaluate_methods(methods, te)
    write_table(rows, run_dir/'evaluation.csv')
    fivek_rows = None
    if not a.no_fivek:
        log('external check on the FiveK expert pairs ...')
        fivek = load_fivek_pairs()
        fivek_rows = evaluate_methods({**image_methods(), **{v: method_from_model(m) for v, m in variants.items()}}, fivek, fsim=False)
        write_table(fivek_rows, run_dir/'evaluation_fivek.csv')

    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)   # MODEL_CARD.md and other hand-written files stay
    variants[best].save_pretrained(out, dtype=torch.float16)
    for f in ('evaluation.csv', 'evaluation.md', 'evaluation_fivek.csv', 'evaluation_fivek.md'):
        if (run_dir/f).exists(): shutil.copy(run_dir/f, out/f)
    info = dict(recipe='tools/train_default.py', argv=sys.argv[1:] if argv is None else argv, args=vars(a),
                dataset=str(dataset), data_sha256=data_hash(dataset),
                pairs=dict(train=len(tr['degraded']), valid=len(va['degraded']), test=len(te['degraded'])),
                test_sources=sorted(set(te['source'])), default_variant=best, config=json.loads(variants[best].config.to_json()),
                feature_cache_seconds=t_cache, variants=records, total_seconds=time.time() - t_start,
                torch=torch.__version__, threads=a.threads, device='cpu',
                finished=datetime.now(timezone.utc).isoformat(timespec='seconds'),
                test_metrics=rows, fivek_metrics=fivek_rows,
                weights_bytes=(out/'model.safetensors').stat().st_size)
    for d in (run_dir, out): (d/'training.json').write_text(json.dumps(info, indent=1, default=str) + '\n')
    log(f'done in {time.time() - t_start:.0f}s; weights {info["weights_bytes"] / 1e6:.1f} MB in {out}; run record {run_dir}')


if __name__ == '__main__':
    main()
