"""End-to-end test of the COCONET gradio demo: served on localhost, driven with gradio_client."""
import os, signal, socket
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

os.environ.setdefault('GRADIO_ANALYTICS_ENABLED', 'False')
import gradio_client                              # the app extra is part of the test install: missing is a failure

@pytest.fixture
def photo(data_dir) -> Path:
    "A dog, 640 x 426, from the shared COCO subset (missing data fails the test)."
    return data_dir/'coco'/'images'/'000000022192.jpg'

def free_port() -> int:
    "A TCP port on 127.0.0.1 that nobody listens on now."
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

@pytest.fixture
def served():
    "The demo (baselines as models) served on a free localhost port for at most 60 s; its URL."
    from filternet_coco.app import build_demo
    def _timeout(*_): raise TimeoutError('the gradio demo test took more than 60 s')
    old = signal.signal(signal.SIGALRM, _timeout); signal.alarm(60)
    demo = build_demo(model='centre-box', params_model='mid-grey')
    port = free_port()
    demo.launch(server_name='127.0.0.1', server_port=port, prevent_thread_lock=True, quiet=True)
    try: yield f'http://127.0.0.1:{port}/'
    finally:
        demo.close(); signal.alarm(0); signal.signal(signal.SIGALRM, old)

ARGS = dict(prompt='dog', model='centre-box', checkpoint='', params_model='mid-grey', weights='', ensemble=1, steps=0,
            scheduler='trailing', feather=0.005, pad=0.1)

def test_demo_api_has_named_parameters(served):
    client = gradio_client.Client(served, verbose=False)
    names = [p['parameter_name'] for p in client.view_api(print_info=False, return_format='dict')['named_endpoints']['/edit']['parameters']]
    assert names == ['image', *ARGS]

def test_demo_edits_both_methods(served, photo):
    client = gradio_client.Client(served, verbose=False)
    full, bbox, mask, alpha, table, status = client.predict(image=gradio_client.handle_file(str(photo)), **ARGS, api_name='/edit')
    photo = np.asarray(Image.open(photo).convert('RGB'))
    full, bbox = (np.asarray(Image.open(p).convert('RGB')) for p in (full, bbox))
    mask, alpha = (np.asarray(Image.open(p).convert('L')) for p in (mask, alpha))
    assert full.shape == bbox.shape == photo.shape and alpha.shape == photo.shape[:2] and mask.shape == (341, 512)
    assert (full[alpha == 0] == photo[alpha == 0]).all() and (bbox[alpha == 0] == photo[alpha == 0]).all()
    assert (full != photo).any() and (bbox != photo).any()
    assert mask[170, 256] == 255 and mask[0, 0] == 0                       # the centred box
    assert [r[0] for r in table['data']] == ['temperature', 'tint', 'exposure', 'brightness', 'contrast', 'shadows', 'highlights']
    assert 'mask covers' in status

def test_demo_refuses_unregistered_models(served, photo):
    client = gradio_client.Client(served, verbose=False)
    for name in ('no-such-model', 'os:system'):                          # free text is never imported
        with pytest.raises(Exception, match='not in the list of choices|unknown predictor'):
            client.predict(image=gradio_client.handle_file(str(photo)), **{**ARGS, 'model': name}, api_name='/edit')
