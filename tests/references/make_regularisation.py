"""Reference values from PyTorch for Dropout, BatchNorm, SGD (momentum and weight
decay) and Adam: tests/references/regularisation_torch.npz.

Needs torch; not run by the test suite. The tests read the .npz this writes, so
PyTorch is never a test dependency. Regenerate with

    /work/torchvenv/bin/python tests/references/make_regularisation.py

Every input is drawn from NumPy generators with fixed seeds and stored next to
the outputs; everything is float64.
"""

from pathlib import Path

import numpy as np
import torch

OUT = Path(__file__).with_name("regularisation_torch.npz")
torch.set_default_dtype(torch.float64)


def tensor(array, grad=False):
    return torch.tensor(array, dtype=torch.float64, requires_grad=grad)


def dropout(rng, refs):
    """F.dropout in training mode: forward, PyTorch's mask, backward."""
    p = 0.3
    x, upstream = rng.normal(size=(6, 5)), rng.normal(size=(6, 5))
    torch.manual_seed(0)
    xt = tensor(x, grad=True)
    out = torch.nn.functional.dropout(xt, p=p, training=True)
    out.backward(tensor(upstream))
    refs.update(dropout_p=p, dropout_x=x, dropout_upstream=upstream,
                dropout_keep=(out.detach().numpy() != 0),
                dropout_out=out.detach().numpy(), dropout_dx=xt.grad.numpy())


def batchnorm(rng, refs):
    """BatchNorm1d: three training steps (each forward and backward), then one
    evaluation step with the running statistics."""
    features = 4
    layer = torch.nn.BatchNorm1d(features, momentum=0.1, eps=1e-5)
    gamma, beta = rng.normal(size=features), rng.normal(size=features)
    with torch.no_grad():
        layer.weight.copy_(tensor(gamma))
        layer.bias.copy_(tensor(beta))
    refs.update(bn_gamma=gamma, bn_beta=beta)
    layer.train()
    for step, batch in enumerate((5, 3, 7)):
        # features on different scales and offsets, as real activations are
        x = rng.normal(size=(batch, features)) * [1.0, 3.0, 0.2, 10.0] + [0, 2, -1, 5]
        upstream = rng.normal(size=(batch, features))
        out = train_or_eval_step(layer, x, upstream)
        refs.update({f"bn_train{step}_{k}": v for k, v in out.items()})
        refs[f"bn_train{step}_x"], refs[f"bn_train{step}_upstream"] = x, upstream
    layer.eval()
    x = rng.normal(size=(4, features)) * 2 + 1
    upstream = rng.normal(size=(4, features))
    out = train_or_eval_step(layer, x, upstream)
    refs.update({f"bn_eval_{k}": v for k, v in out.items()})
    refs["bn_eval_x"], refs["bn_eval_upstream"] = x, upstream


def train_or_eval_step(layer, x, upstream):
    layer.zero_grad()
    xt = tensor(x, grad=True)
    out = layer(xt)
    out.backward(tensor(upstream))
    return {"out": out.detach().numpy(), "dx": xt.grad.numpy(),
            "dgamma": layer.weight.grad.numpy().copy(),
            "dbeta": layer.bias.grad.numpy().copy(),
            "running_mean": layer.running_mean.numpy().copy(),
            "running_var": layer.running_var.numpy().copy()}


def optimizer_run(name, make, rng, refs, steps=5):
    """A weight (decays) and a bias (does not), a fixed sequence of gradients,
    `steps` optimizer steps; the parameters after each step."""
    w0, b0 = rng.normal(size=(3, 4)), rng.normal(size=4)
    grads_w = rng.normal(size=(steps, 3, 4))
    grads_b = rng.normal(size=(steps, 4))
    w, b = tensor(w0, grad=True), tensor(b0, grad=True)
    optimizer = make(w, b)
    ws, bs = [], []
    for gw, gb in zip(grads_w, grads_b, strict=True):
        w.grad, b.grad = tensor(gw), tensor(gb)
        optimizer.step()
        ws.append(w.detach().numpy().copy())
        bs.append(b.detach().numpy().copy())
    refs.update({f"{name}_w0": w0, f"{name}_b0": b0, f"{name}_grads_w": grads_w,
                 f"{name}_grads_b": grads_b, f"{name}_w": np.array(ws),
                 f"{name}_b": np.array(bs)})


def groups(w, b, weight_decay):
    """Weight decay on the weight only, as nnlib decays (Layer.decay_names)."""
    return [{"params": [w], "weight_decay": weight_decay},
            {"params": [b], "weight_decay": 0.0}]


def main():
    rng = np.random.default_rng(2024)
    refs = {}
    dropout(rng, refs)
    batchnorm(rng, refs)
    optimizer_run("sgd_decay", lambda w, b: torch.optim.SGD(
        groups(w, b, 0.05), lr=0.1), rng, refs)
    optimizer_run("sgd_momentum_decay", lambda w, b: torch.optim.SGD(
        groups(w, b, 0.05), lr=0.1, momentum=0.9), rng, refs)
    optimizer_run("adam", lambda w, b: torch.optim.Adam(
        [w, b], lr=0.01, betas=(0.9, 0.999), eps=1e-8), rng, refs)
    optimizer_run("adam_decay", lambda w, b: torch.optim.Adam(
        groups(w, b, 0.05), lr=0.01, betas=(0.8, 0.99), eps=1e-6), rng, refs)
    np.savez(OUT, **refs)
    print(f"wrote {OUT.name}: {len(refs)} arrays, torch {torch.__version__}")


if __name__ == "__main__":
    main()
