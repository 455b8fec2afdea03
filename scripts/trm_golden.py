"""Golden values for tests/torch/golden_test.cpp from an independent TRM in PyTorch.

This is a second implementation of the Tiny Recursive Model, written from the
reference notes (docs/design.md lists where trm departs from them), not from
trm's C++ code. With fixed weights drawn from a seeded generator it records,
for one supervision step:
  - y and z after every network call (T cycles of n z updates and one y update),
  - the LM and halting logits, the stablemax + halting loss,
  - the gradient of every weight, and
  - a few weights after two AdamATan2 updates, and the puzzle-embedding
    rows after one sign-SGD update.
The output is one safetensors file per model variant, holding the weights
(`model.*`, named as trm names them), the batch (`batch.*`) and the expected
values (`expect.*`); the metadata carries the model config as trm YAML.

Run with Debian's PyTorch: /usr/bin/python3 scripts/trm_golden.py --out-dir tests/data
"""

import argparse
import math
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402


# ---- the reference model, as functions of a weight dictionary ----


def rms_norm(x, eps):
    """Weightless RMSNorm over the last axis, computed in float32."""
    x32 = x.float()
    return (x32 * torch.rsqrt(x32.square().mean(-1, keepdim=True) + eps)).to(x.dtype)


def swiglu(x, gate_up, down):
    """Computes down(silu(gate) * up); the fused projection puts gate first, then up."""
    gate, up = F.linear(x, gate_up.to(x.dtype)).chunk(2, dim=-1)
    return F.linear(F.silu(gate) * up, down.to(x.dtype))


def rotary_tables(seq, head_dim, theta):
    inv_freq = 1.0 / (theta ** (torch.arange(0, head_dim, 2, dtype=torch.float32) / head_dim))
    freqs = torch.outer(torch.arange(seq, dtype=torch.float32), inv_freq)
    table = torch.cat([freqs, freqs], dim=-1)  # [S, head_dim]
    return table.cos(), table.sin()


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat([-x[..., half:], x[..., :half]], dim=-1)


def attention(h, qkv_weight, o_weight, heads, rotary):
    batch, seq, width = h.shape
    head_dim = width // heads
    qkv = F.linear(h, qkv_weight.to(h.dtype)).view(batch, seq, 3 * heads, head_dim)
    q, k, v = qkv[:, :, :heads], qkv[:, :, heads : 2 * heads], qkv[:, :, 2 * heads :]
    cos, sin = rotary[0][None, :, None, :], rotary[1][None, :, None, :]
    q = (q.float() * cos + rotate_half(q.float()) * sin).to(h.dtype)
    k = (k.float() * cos + rotate_half(k.float()) * sin).to(h.dtype)
    q, k, v = (t.transpose(1, 2) for t in (q, k, v))  # [B, H, S, hd]
    scores = (q @ k.transpose(-1, -2)) / math.sqrt(head_dim)
    out = torch.softmax(scores.float(), dim=-1).to(h.dtype) @ v
    return F.linear(out.transpose(1, 2).reshape(batch, seq, width), o_weight.to(h.dtype))


def block(h, w, prefix, cfg, rotary):
    eps = cfg["rms_norm_eps"]
    if cfg["mixer"] == "mlp":
        u = h.transpose(1, 2)  # [B, D, S]: the first norm runs over the sequence axis
        u = rms_norm(u + swiglu(u, w[prefix + "mlp_t.gate_up_proj.weight"], w[prefix + "mlp_t.down_proj.weight"]), eps)
        h = u.transpose(1, 2)
    else:
        attn = attention(h, w[prefix + "self_attn.qkv_proj.weight"], w[prefix + "self_attn.o_proj.weight"],
                         cfg["num_heads"], rotary)
        h = rms_norm(h + attn, eps)
    return rms_norm(h + swiglu(h, w[prefix + "mlp.gate_up_proj.weight"], w[prefix + "mlp.down_proj.weight"]), eps)


def net(state, injection, w, cfg, rotary):
    h = state + injection
    for layer in range(cfg["num_layers"]):
        h = block(h, w, "net.layers.%d." % layer, cfg, rotary)
    return h


def embed(tokens, puzzle_ids, w, cfg, dtype):
    batch = tokens.shape[0]
    width = cfg["hidden_size"]
    token_part = w["embed_tokens"][tokens].to(dtype)
    prefix = torch.zeros(batch, cfg["puzzle_emb_len"], width, dtype=dtype)
    prefix = torch.cat([w["puzzle_emb"][puzzle_ids].to(dtype)[:, None, :], prefix[:, 1:]], dim=1)
    return torch.cat([prefix, token_part], dim=1) * math.sqrt(width)


def supervision_step(tokens, puzzle_ids, w, cfg, dtype, trace):
    """Runs one deep-recursion step from the fixed initial state and appends every update to `trace`."""
    x = embed(tokens, puzzle_ids, w, cfg, dtype)
    seq = x.shape[1]
    rotary = None
    if cfg["mixer"] == "attention":
        rotary = rotary_tables(seq, cfg["hidden_size"] // cfg["num_heads"], cfg["rope_theta"])
    y = w["y_init"].to(dtype).expand_as(x).clone()
    z = w["z_init"].to(dtype).expand_as(x).clone()
    for cycle in range(cfg["cycles"]):
        last = cycle == cfg["cycles"] - 1
        with torch.set_grad_enabled(last):
            for _ in range(cfg["latent_steps"]):
                z = net(z, y + x, w, cfg, rotary)
                trace.append(("z", z.detach().clone()))
            y = net(y, z, w, cfg, rotary)
            trace.append(("y", y.detach().clone()))
    logits = F.linear(y[:, cfg["puzzle_emb_len"] :], w["lm_head.weight"].to(dtype))
    q = F.linear(y[:, 0], w["q_head.weight"].to(dtype), w["q_head.bias"].to(dtype)).float()
    return logits, q[:, 0], q[:, 1]


def stablemax_log_probs(logits):
    x = logits.double()
    s = torch.where(x < 0, 1.0 / (1.0 - x), x + 1.0)
    return torch.log(s / s.sum(-1, keepdim=True))


def act_loss(logits, labels, q_halt):
    valid = labels != -100
    log_probs = stablemax_log_probs(logits)
    safe = torch.where(valid, labels, torch.zeros_like(labels))
    token_loss = -log_probs.gather(-1, safe[..., None])[..., 0] * valid
    counts = valid.sum(-1).clamp_min(1)
    lm_loss = (token_loss.sum(-1) / counts).sum()
    seq_correct = ((logits.argmax(-1) == labels) | ~valid).all(-1)
    q_halt_loss = F.binary_cross_entropy_with_logits(q_halt, seq_correct.float(), reduction="sum")
    total = (lm_loss + 0.5 * q_halt_loss) / labels.shape[0]
    return total, lm_loss, q_halt_loss, seq_correct


def adam_atan2_step(p, g, m, v, t, lr, wd, beta1, beta2):
    """Applies the adam-atan2 kernel: decay first, no epsilon, bias correction 1 outside atan2."""
    p = p * (1.0 - lr * wd)
    m = beta1 * m + (1.0 - beta1) * g
    v = beta2 * v + (1.0 - beta2) * g * g
    p = p - (lr / (1.0 - beta1**t)) * torch.atan2(m, v.sqrt() / math.sqrt(1.0 - beta2**t))
    return p, m, v


# ---- the golden cases ----


def swiglu_width(width, expansion):
    raw = int(round(expansion * width * 2.0 / 3.0))
    return (raw + 255) // 256 * 256


def make_weights(cfg, vocab, seq, generator):
    width = cfg["hidden_size"]
    total = cfg["puzzle_emb_len"] + seq

    def draw(*shape, std):
        return torch.randn(*shape, generator=generator) * std

    w = {
        "embed_tokens": draw(vocab, width, std=1.0 / math.sqrt(width)),
        "puzzle_emb": draw(cfg["num_puzzle_ids"], width, std=0.5),
        "lm_head.weight": draw(vocab, width, std=1.0 / math.sqrt(width)),
        "q_head.weight": draw(2, width, std=1.0 / math.sqrt(width)),
        "q_head.bias": torch.tensor([-0.5, 0.25]),
        "y_init": draw(width, std=1.0),
        "z_init": draw(width, std=1.0),
    }
    inner = swiglu_width(width, cfg["expansion"])
    for layer in range(cfg["num_layers"]):
        prefix = "net.layers.%d." % layer
        if cfg["mixer"] == "mlp":
            inner_t = swiglu_width(total, cfg["expansion"])
            w[prefix + "mlp_t.gate_up_proj.weight"] = draw(2 * inner_t, total, std=1.0 / math.sqrt(total))
            w[prefix + "mlp_t.down_proj.weight"] = draw(total, inner_t, std=1.0 / math.sqrt(inner_t))
        else:
            w[prefix + "self_attn.qkv_proj.weight"] = draw(3 * width, width, std=1.0 / math.sqrt(width))
            w[prefix + "self_attn.o_proj.weight"] = draw(width, width, std=1.0 / math.sqrt(width))
        w[prefix + "mlp.gate_up_proj.weight"] = draw(2 * inner, width, std=1.0 / math.sqrt(width))
        w[prefix + "mlp.down_proj.weight"] = draw(width, inner, std=1.0 / math.sqrt(inner))
    return w


def config_yaml(cfg):
    lines = ["model:"] + ["  %s: %s" % (key, value) for key, value in cfg.items()]
    return "\n".join(lines) + "\n"


def golden_case(name, mixer, out_dir, seed):
    cfg = {
        "hidden_size": 16,
        "num_heads": 2,
        "num_layers": 2,
        "expansion": 4.0,
        "mixer": mixer,
        "pos_encodings": "rope" if mixer == "attention" else "none",
        "rope_theta": 10000.0,
        "rms_norm_eps": 1e-5,
        "puzzle_emb_len": 2,
        "num_puzzle_ids": 3,
        "latent_steps": 2,
        "cycles": 2,
        "halt_max_steps": 4,
        "forward_dtype": "float32",
        "answer_init": "fixed",
    }
    vocab, seq, batch = 7, 6, 3
    dtype = torch.float32
    optim = {"lr": 0.01, "weight_decay": 0.5, "beta1": 0.9, "beta2": 0.95, "puzzle_lr": 0.02, "puzzle_wd": 0.5}
    generator = torch.Generator().manual_seed(seed)
    weights = make_weights(cfg, vocab, seq, generator)
    tokens = torch.randint(0, vocab, (batch, seq), generator=generator)
    puzzle_ids = torch.tensor([2, 0, 2])  # a repeated id: its row gradients add up

    # The first row's labels are made equal to the model's own prediction, so
    # one sequence is exactly right and the halting target has both values.
    with torch.no_grad():
        predicted = supervision_step(tokens, puzzle_ids, weights, cfg, dtype, [])[0].argmax(-1)
    labels = torch.randint(0, vocab, (batch, seq), generator=generator)
    labels[0] = predicted[0]
    labels[0, 1] = -100
    labels[2, 3:] = -100

    leaves = {key: value.clone().requires_grad_(key not in ("y_init", "z_init")) for key, value in weights.items()}
    trace = []
    logits, q_halt, q_continue = supervision_step(tokens, puzzle_ids, leaves, cfg, dtype, trace)
    total, lm_loss, q_halt_loss, seq_correct = act_loss(logits, labels, q_halt)
    total.backward()
    assert bool(seq_correct[0]), "row 0 should be exactly right"
    assert not bool(seq_correct[1]), "row 1 should be wrong"

    tensors = {"model." + key: value for key, value in weights.items()}
    tensors["batch.tokens"] = tokens
    tensors["batch.puzzle_ids"] = puzzle_ids
    tensors["batch.labels"] = labels
    tensors["expect.updates"] = torch.stack([state for _, state in trace])  # [U, B, S, D]
    tensors["expect.logits"] = logits.detach()
    tensors["expect.q_halt"] = q_halt.detach()
    tensors["expect.q_continue"] = q_continue.detach()
    tensors["expect.loss_total"] = total.detach().reshape(1)
    tensors["expect.lm_loss"] = lm_loss.detach().reshape(1)
    tensors["expect.q_halt_loss"] = q_halt_loss.detach().double().reshape(1)
    tensors["expect.seq_correct"] = seq_correct
    dense = [key for key in weights if key not in ("puzzle_emb", "y_init", "z_init")]
    for key in dense + ["puzzle_emb"]:
        tensors["expect.grad." + key] = leaves[key].grad

    # Two AdamATan2 updates from the same gradients (t = 1, 2) of a few
    # weights (all weights take the same path), then sign-SGD on the
    # puzzle-embedding rows present in the batch.
    chosen = ["embed_tokens", "lm_head.weight", "q_head.weight", "q_head.bias", "net.layers.0.mlp.gate_up_proj.weight"]
    for key in chosen:
        p, g = weights[key], leaves[key].grad
        m, v = torch.zeros_like(p), torch.zeros_like(p)
        for t in (1, 2):
            p, m, v = adam_atan2_step(p, g, m, v, t, optim["lr"], optim["weight_decay"], optim["beta1"], optim["beta2"])
        tensors["expect.after_adam." + key] = p
    table = weights["puzzle_emb"].clone()
    grad = leaves["puzzle_emb"].grad
    for row in sorted(set(puzzle_ids.tolist())):
        table[row] = table[row] * (1.0 - optim["puzzle_lr"] * optim["puzzle_wd"]) - optim["puzzle_lr"] * grad[row].sign()
    tensors["expect.after_sign_sgd.puzzle_emb"] = table

    metadata = {
        "config": config_yaml(cfg),
        "vocab_size": vocab,
        "seq_len": seq,
        "update_kinds": "".join(kind for kind, _ in trace),
        "optimizer": " ".join("%s=%r" % item for item in optim.items()),
        "generator": "scripts/trm_golden.py (torch %s)" % torch.__version__,
    }
    path = os.path.join(out_dir, "trm_golden_%s.safetensors" % name)
    safetensors_io.save(path, tensors, metadata)
    print("wrote %s: %d tensors, updates %s, loss %.6f" % (path, len(tensors), metadata["update_kinds"], total.item()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", default="tests/data", help="folder for trm_golden_<variant>.safetensors")
    parser.add_argument("--seed", type=int, default=20251008)
    args = parser.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    torch.use_deterministic_algorithms(True)
    golden_case("attention", "attention", args.out_dir, args.seed)
    golden_case("mlp", "mlp", args.out_dir, args.seed + 1)


if __name__ == "__main__":
    main()
