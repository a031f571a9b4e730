"""End-to-end test of the COCONET gradio demo: served on localhost, driven with gradio_client."""
import os, signal, socket
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

os.environ.setdefault('GRADIO_ANALYTICS_ENABLED', 'False')
ROOT = Path(__file__).resolve().parent.parent
PHOTO = ROOT.parent/'shared'/'data'/'coco'/'images'/'000000022192.jpg'   # a dog, 640 x 426

gr = pytest.importorskip('gradio')
gradio_client = pytest.importorskip('gradio_client')
pytestmark = pytest.mark.skipif(not PHOTO.exists(), reason=f'COCO sample photo not found at {PHOTO}')

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

def test_demo_edits_both_methods(served):
    client = gradio_client.Client(served, verbose=False)
    full, bbox, mask, alpha, table, status = client.predict(
        gradio_client.handle_file(str(PHOTO)), 'dog', 'centre-box', '', 'mid-grey', '', 1, 4, 'trailing', 0.005, 0.1, api_name='/edit')
    photo = np.asarray(Image.open(PHOTO).convert('RGB'))
    full, bbox = (np.asarray(Image.open(p).convert('RGB')) for p in (full, bbox))
    mask, alpha = (np.asarray(Image.open(p).convert('L')) for p in (mask, alpha))
    assert full.shape == bbox.shape == photo.shape and alpha.shape == photo.shape[:2] and mask.shape == (341, 512)
    assert (full[alpha == 0] == photo[alpha == 0]).all() and (bbox[alpha == 0] == photo[alpha == 0]).all()
    assert (full != photo).any() and (bbox != photo).any()
    assert mask[170, 256] == 255 and mask[0, 0] == 0                       # the centred box
    assert [r[0] for r in table['data']] == ['temperature', 'tint', 'exposure', 'brightness', 'contrast', 'shadows', 'highlights']
    assert 'mask covers' in status

def test_demo_reports_user_errors(served):
    client = gradio_client.Client(served, verbose=False)
    with pytest.raises(Exception, match='unknown predictor'):
        client.predict(gradio_client.handle_file(str(PHOTO)), 'dog', 'no-such-model', '', 'mid-grey', '', 1, 4, 'trailing', 0.005, 0.1, api_name='/edit')
