"""The fixed part of an exported PyTorch module: activations, the loss,
loading, the training loop and DistributedDataParallel. ``torch_export``
puts the network's own class and settings before it."""

RUNTIME = '''

# -- activations, as nnsim computes them -------------------------------------------------------
def step(z, threshold):
    return (z > threshold).to(z.dtype)


def sign(z, threshold):
    return torch.where(z > threshold, 1.0, -1.0).to(z.dtype)


ACTIVATIONS = {
    "step": step,
    "sign": sign,
    "linear": lambda z, threshold: z,
    "sigmoid": lambda z, threshold: torch.sigmoid(z),
    "tanh": lambda z, threshold: torch.tanh(z),
    "relu": lambda z, threshold: torch.relu(z),
    "leaky_relu": lambda z, threshold: F.leaky_relu(z, 0.01),
    "softmax": lambda z, threshold: torch.softmax(z, dim=-1),
}


def per_neuron(z, kinds, threshold):
    """Each neuron (column) through its own activation."""
    out = torch.empty_like(z)
    for kind in dict.fromkeys(kinds):
        cols = [j for j, k in enumerate(kinds) if k == kind]
        out[..., cols] = ACTIVATIONS[kind](z[..., cols], threshold[cols])
    return out


class MaskedLinear(nn.Linear):
    """nn.Linear whose connections not drawn stay 0 (``drawn``) and whose
    frozen ones do not train (``trains``: drawn and not frozen)."""

    def __init__(self, n_in, n_out, bias=True):
        super().__init__(n_in, n_out, bias=bias)
        self.register_buffer("drawn", torch.ones(n_out, n_in))
        self.register_buffer("trains", torch.ones(n_out, n_in))
        self.weight.register_hook(lambda g: g * self.trains)

    def forward(self, x):
        return F.linear(x, self.weight * self.drawn, self.bias)


# -- the loss ------------------------------------------------------------------------------------
EPS = 1e-12


def layer_loss(z, a, y):
    """Summed over outputs and over the rows that have a target (NaN: none)."""
    keep = ~torch.isnan(y).any(dim=-1)
    z, a, y = z[keep], a[keep], y[keep]
    if LOSS == "mse":
        return 0.5 * ((a - y) ** 2).sum()
    if LOSS == "binary_cross_entropy":
        if FUSED:  # from the weighted sums: exact however far sigmoid saturates
            return F.binary_cross_entropy_with_logits(z, y, reduction="sum")
        p = a.clamp(EPS, 1.0 - EPS)
        return -(y * torch.log(p) + (1.0 - y) * torch.log1p(-p)).sum()
    if FUSED:
        return -(y * torch.log_softmax(z, dim=-1)).sum()
    return -(y * torch.log(a.clamp(EPS, 1.0))).sum()


def target_count(y):
    return int((~torch.isnan(y).any(dim=-1)).sum())


def loss_sum(model, x, y):
    """The loss summed over the targets of a batch (nnsim's loss is this
    divided by the number of targets)."""
    total = 0.0
    for (z, a), cols in zip(model(x, sums=True), OUTPUT_COLUMNS):
        if a.dim() == 3 and y.dim() == 2:  # one target per sequence: its last step
            z, a = z[:, -1], a[:, -1]
        total = total + layer_loss(z, a, y[..., cols[0]:cols[1]])
    return total


# -- loading ----------------------------------------------------------------------------------------
def load_model(path=WEIGHTS, dtype=DTYPE, device="cpu"):
    """The network with the weights nnsim exported (or ``path``, a file
    written by ``save_weights``)."""
    model = Net().to(dtype)
    with np.load(path, allow_pickle=False) as arrays:
        model.load_state_dict({k: torch.from_numpy(arrays[k]).to(dtype) for k in arrays.files})
    return model.to(device)


def save_weights(model, path):
    model = getattr(model, "module", model)  # unwrapped from DistributedDataParallel
    np.savez(path, **{k: v.detach().cpu().numpy() for k, v in model.state_dict().items()})


def load_data(path=DATA, dtype=DTYPE):
    """(x_train, y_train, x_test, y_test) as nnsim prepared them."""
    if path is None:
        raise FileNotFoundError("the design's data could not be loaded when it was exported: "
                                "give train() your own x and y")
    with np.load(path, allow_pickle=False) as d:
        return tuple(torch.from_numpy(d[k]).to(dtype) for k in ("x_train", "y_train", "x_test", "y_test"))


# -- training --------------------------------------------------------------------------------------
def make_optimizer(model, memory=MEMORY):
    """The design's optimizer, going on from nnsim's memory when given:
    momentum's velocity v is PyTorch's buffer times −learning rate; Adam's
    moments and step count are PyTorch's as they are."""
    params = [p for p in model.parameters() if p.requires_grad]
    s = SETTINGS
    if s["optimizer"] == "sgd":
        optimizer = torch.optim.SGD(params, lr=s["learning_rate"])
    elif s["optimizer"] == "momentum":
        optimizer = torch.optim.SGD(params, lr=s["learning_rate"], momentum=s["momentum"])
    else:
        optimizer = torch.optim.Adam(params, lr=s["learning_rate"], betas=(s["beta1"], s["beta2"]), eps=s["epsilon"])
    if memory is not None:
        net = getattr(model, "module", model)
        with np.load(memory, allow_pickle=False) as st:
            for name, p in net.named_parameters():
                if not p.requires_grad or f"v/{name}" not in st.files:
                    continue
                if s["optimizer"] == "momentum":
                    v = torch.from_numpy(st[f"v/{name}"]).to(p)
                    optimizer.state[p]["momentum_buffer"] = v / -s["learning_rate"]
                elif s["optimizer"] == "adam":
                    optimizer.state[p].update(step=torch.tensor(float(st["t"])),
                                              exp_avg=torch.from_numpy(st[f"m/{name}"]).to(p),
                                              exp_avg_sq=torch.from_numpy(st[f"v/{name}"]).to(p))
    return optimizer


def start_position(memory=MEMORY):
    """Samples of the first epoch nnsim had trained already."""
    if memory is None:
        return 0
    with np.load(memory, allow_pickle=False) as st:
        return int(st["position"])


def penalize_and_clip(model):
    """nnsim's order: the L1/L2 penalty's gradient on the weights (not the
    biases, not what does not train), then each entry clipped."""
    s, net = SETTINGS, getattr(model, "module", model)
    rate = s["regularization_rate"]
    named = dict(net.named_parameters())
    with torch.no_grad():
        if rate and s["regularization"] != "none":
            for name in PENALIZED:
                p = named[name]
                if p.grad is None:
                    continue
                g = torch.sign(p) if s["regularization"] == "l1" else p
                trains = getattr(net.get_submodule(name.rpartition(".")[0]), "trains", None)
                p.grad += rate * (g if trains is None else g * trains)
        if s["gradient_clip"]:
            for p in net.parameters():
                if p.grad is not None:
                    p.grad.clamp_(-s["gradient_clip"], s["gradient_clip"])


def train(model, x, y, epochs=None, steps=None, rank=0, world=1, log=print, memory=MEMORY):
    """Mini-batch training as nnsim does it: each epoch an order of the
    training samples from the seed and the epoch's number, batches of SETTINGS["batch_size"], the
    mean loss over each batch's targets. Under DistributedDataParallel each
    of the ``world`` processes takes its share of every batch (``rank``) and
    the averaged gradients are those of the whole batch. Stops after
    ``steps`` steps when given. ``memory``: the optimizer's memory and place
    in the epoch nnsim stopped at (None: start afresh at an epoch's start)."""
    s = SETTINGS
    epochs = s["epochs"] if epochs is None else epochs
    optimizer = make_optimizer(model, memory)
    skip = start_position(memory)
    b, n, done = max(1, s["batch_size"]), len(x), 0
    device = next(model.parameters()).device
    for epoch in range(FIRST_EPOCH, FIRST_EPOCH + epochs):
        order = np.random.default_rng([s["seed"] % 2**63, epoch]).permutation(n)  # nnsim's order of this epoch
        for start in range(skip if epoch == FIRST_EPOCH else 0, n, b):
            batch = order[start:start + b]
            share = np.array_split(batch, world)[rank]
            xb, yb = x[share].to(device), y[share].to(device)
            optimizer.zero_grad()
            loss = loss_sum(model, xb, yb) * (world / target_count(y[batch]))
            loss.backward()
            penalize_and_clip(model)
            optimizer.step()
            done += 1
            if steps is not None and done >= steps:
                return model
        if log is not None and rank == 0:
            log(f"epoch {epoch + 1}: training loss {evaluate(model, x, y):.6g}")
    return model


def evaluate(model, x, y):
    """nnsim's loss over a whole data set (by one process: the network
    unwrapped from DistributedDataParallel)."""
    model = getattr(model, "module", model)
    device = next(model.parameters()).device
    with torch.no_grad():
        return float(loss_sum(model, x.to(device), y.to(device))) / max(1, target_count(y))


def main(argv=None):
    import argparse
    import os

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, help=f"epochs to train (default {SETTINGS['epochs']})")
    parser.add_argument("--steps", type=int, help="stop after this many steps")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--float32", action="store_true", help="train in float32 (nnsim uses float64)")
    parser.add_argument("--out", default=str(WEIGHTS.with_name(WEIGHTS.stem + "-trained.npz")),
                        help="where to write the trained weights")
    args = parser.parse_args(argv)
    dtype = torch.float32 if args.float32 else DTYPE
    world, rank = int(os.environ.get("WORLD_SIZE", 1)), int(os.environ.get("RANK", 0))
    device = args.device
    if world > 1:  # launched by torchrun
        import torch.distributed as dist
        from torch.nn.parallel import DistributedDataParallel

        cuda = device.startswith("cuda")
        dist.init_process_group("nccl" if cuda else "gloo")
        if cuda:
            device = f"cuda:{int(os.environ.get('LOCAL_RANK', 0))}"
            torch.cuda.set_device(device)
    model = load_model(dtype=dtype, device=device)
    if world > 1:
        model = DistributedDataParallel(model, device_ids=[device] if device.startswith("cuda") else None)
    x, y, x_test, y_test = load_data(dtype=dtype)
    train(model, x, y, args.epochs, args.steps, rank, world)
    if rank == 0:
        if len(x_test):
            print(f"test loss {evaluate(model, x_test, y_test):.6g}")
        save_weights(model, args.out)
        print(f"wrote {args.out}")
    if world > 1:
        # Every process reaches the end before any leaves: a process leaving
        # while another still writes could abort in gloo's threads at exit.
        dist.barrier()
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
'''
