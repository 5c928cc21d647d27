#!/usr/bin/env python3
"""Writes the crafted .pt files of the exporter's PtCheckpoint tests into exporter/src/test/resources/pt/.

Standard library only (pickle, zipfile, struct): no torch, no ultralytics. The outputs are committed, so the Java
tests never need Python; rerun this script only to change the cases:

    python3 exporter/src/test/python/make_pt_cases.py [--fixtures ../shared/fixtures]

Three kinds of files:
  * hand-built Ultralytics-like checkpoints (tiny tensors) in the layouts a reader must tolerate: torch 2.x style
    (``archive/`` prefix, byteorder / .format_version / .storage_alignment / .data records, records out of order,
    data descriptors, plain-dict module state with the extra hook dicts, protocol 4), the same big-endian, and an
    old-style file (protocol 2, OrderedDicts, pre-8.1 Ultralytics import paths, model and ema both set);
  * malicious pickles that name code-running globals through every opcode that can (GLOBAL+REDUCE, STACK_GLOBAL,
    INST, OBJ, NEWOBJ, getattr, EXT), and one hidden deep inside an otherwise valid module tree;
  * broken or foreign files: truncated, zip bombs, missing records, legacy torch format, TorchScript, state_dict,
    a pickle that is not an Ultralytics checkpoint, inconsistent storages;
plus ``yolov8n-torch2.data.pkl``: the pickle of the shared fixture tiny/yolov8n.pt rewritten the way torch 2.x
pickles modules (plain dicts, extra hook dicts). The Java test puts it into a torch 2.x style archive together with
the fixture's own storage records, so that no large binary needs to be committed.

The "fake torch" below only gives pickle importable names: classes with the right __module__/__qualname__ whose
instances pickle as NEWOBJ + BUILD like nn.Module does, and functions whose results pickle back to the same REDUCE.
"""
import argparse
import collections
import io
import os
import pickle
import struct
import sys
import types
import zipfile

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'resources', 'pt')
DATE = (2026, 1, 1, 0, 0, 0)


# ---------------------------------------------------------------- fake torch: importable names for the pickler
def fake_module(name):
    """The module object of a dotted name, with its parent packages, so that pickle's import check passes."""
    mod = sys.modules.get(name)
    if mod is None:
        mod = types.ModuleType(name)
        sys.modules[name] = mod
        if '.' in name:
            parent, _, child = name.rpartition('.')
            setattr(fake_module(parent), child, mod)
    return mod


_classes = {}


def fake_class(module, name, base=object):
    key = (module, name)
    if key not in _classes:
        cls = type(name, (base,), {'__module__': module, '__qualname__': name})
        setattr(fake_module(module), name, cls)
        _classes[key] = cls
    return _classes[key]


def fake_function(module, name, result_type):
    existing = getattr(fake_module(module), name, None)
    if existing is not None:
        return existing

    def fn(*args):
        return result_type(fn, args)
    fn.__module__ = module
    fn.__qualname__ = name
    fn.__name__ = name
    setattr(fake_module(module), name, fn)
    return fn


class Reduced:
    """Result of a fake torch function; pickles back to the same call."""

    def __init__(self, fn, args):
        self.fn, self.args = fn, args

    def __reduce__(self):
        return self.fn, self.args


class Storage:
    """A storage: pickled through persistent_id as ('storage', <class>, key, 'cpu', numel)."""

    def __init__(self, cls, key, numel, data=b''):
        self.cls, self.key, self.numel, self.data = cls, key, numel, data


REBUILD_V2 = fake_function('torch._utils', '_rebuild_tensor_v2', Reduced)
REBUILD_PARAM = fake_function('torch._utils', '_rebuild_parameter', Reduced)
STORAGE_TYPES = {n: fake_class('torch', n) for n in
                 ('HalfStorage', 'FloatStorage', 'BFloat16Storage', 'LongStorage', 'DoubleStorage')}


class TorchSize(tuple):
    def __reduce__(self):
        return TorchSize, (tuple(self),)


TorchSize.__module__, TorchSize.__qualname__, TorchSize.__name__ = 'torch', 'Size', 'Size'
setattr(fake_module('torch'), 'Size', TorchSize)


class Pickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            return ('storage', obj.cls, obj.key, 'cpu', obj.numel)
        return None


class Unpickler(pickle.Unpickler):
    """Reads a real checkpoint pickle into fake objects (no torch needed); storages stay references."""

    def find_class(self, module, name):
        if module == 'torch._utils' and name == '_rebuild_tensor_v2':
            return REBUILD_V2
        if module == 'torch._utils' and name == '_rebuild_parameter':
            return REBUILD_PARAM
        if module == 'torch' and name.endswith('Storage'):
            return STORAGE_TYPES.setdefault(name, fake_class('torch', name))
        if module == 'torch' and name == 'Size':
            return TorchSize
        if module in ('collections', 'builtins', '__builtin__'):
            return super().find_class(module, name)
        return fake_class(module, name)

    def persistent_load(self, pid):
        _, cls, key, _, numel = pid
        return Storage(cls, key, numel)


def dumps(obj, protocol=2):
    buf = io.BytesIO()
    Pickler(buf, protocol=protocol).dump(obj)
    return buf.getvalue()


def tensor(storage, offset, size, stride, param=False):
    """A tensor view; as torch does, a parameter wraps a tensor saved without requires_grad."""
    t = REBUILD_V2(storage, offset, tuple(size), tuple(stride), False, collections.OrderedDict())
    return REBUILD_PARAM(t, True, collections.OrderedDict()) if param else t


HOOKS_1X = ('_backward_hooks', '_forward_hooks', '_forward_pre_hooks', '_state_dict_hooks',
            '_load_state_dict_pre_hooks', '_load_state_dict_post_hooks')
HOOKS_2X = ('_backward_pre_hooks', '_forward_hooks_with_kwargs', '_forward_hooks_always_called',
            '_forward_pre_hooks_with_kwargs', '_state_dict_pre_hooks')


def module(cls, torch2, modules=(), params=(), buffers=(), **attrs):
    """An nn.Module instance as torch pickles it: NEWOBJ of the class, then BUILD with its __dict__."""
    m = cls.__new__(cls)
    d = dict if torch2 else collections.OrderedDict
    state = {'training': False, '_parameters': d(params), '_buffers': d(buffers),
             '_non_persistent_buffers_set': set()}
    for h in HOOKS_1X + (HOOKS_2X if torch2 else ()):
        state[h] = collections.OrderedDict()
    state['_is_full_backward_hook'] = None
    state['_modules'] = d(modules)
    state.update(attrs)
    m.__dict__.update(state)
    return m


# ---------------------------------------------------------------- archives
class Unseekable(io.RawIOBase):
    """Makes zipfile write data descriptors (general purpose bit 3), as torch's writer does."""

    def __init__(self):
        self.buf = io.BytesIO()

    def writable(self):
        return True

    def write(self, b):
        return self.buf.write(b)


def write_zip(path, records, descriptors=False, compress=zipfile.ZIP_STORED):
    """records: list of (name, bytes) in the order to write."""
    target = Unseekable() if descriptors else io.BytesIO()
    with zipfile.ZipFile(target, 'w', compression=compress) as z:
        for name, data in records:
            info = zipfile.ZipInfo(name, date_time=DATE)
            info.compress_type = compress
            z.writestr(info, data)
    data = target.buf.getvalue() if descriptors else target.getvalue()
    with open(os.path.join(OUT, path), 'wb') as f:
        f.write(data)
    return data


def torch1_records(stem, pickle_bytes, storages=()):
    recs = [(stem + '/data.pkl', pickle_bytes)]
    recs += [(stem + '/data/' + s.key, s.data) for s in sorted(storages, key=lambda s: s.key)]
    recs.append((stem + '/version', b'3\n'))
    return recs


def pack(fmt, values, order='<'):
    if fmt == 'bf16':
        return b''.join(struct.pack(order + 'H', struct.unpack('<I', struct.pack('<f', v))[0] >> 16)
                        for v in values)
    return struct.pack(order + fmt * len(values), *values)


# ---------------------------------------------------------------- hand-built Ultralytics-like checkpoints
def tiny_detector(torch2, order='<', old_paths=False):
    """A DetectionModel with one Conv (Conv2d + BatchNorm2d + SiLU) and views of one shared FP16 storage.

    Storage '0' (FP16, 40 elements, value i * 0.25 at index i) backs: conv.weight (offset 0, [2,3,2,2]),
    bn.running_mean (offset 24, [2]), bn.running_var (offset 26, [2], stride 2 -> elements 26 and 28) and the
    model attribute 'grid' (offset 30, [2,5], stride [1,2]: a transposed view of elements 30..39).
    """
    conv_mod = 'ultralytics.nn.modules' if old_paths else 'ultralytics.nn.modules.conv'
    Model = fake_class('ultralytics.nn.tasks', 'DetectionModel')
    Sequential = fake_class('torch.nn.modules.container', 'Sequential')
    Conv = fake_class(conv_mod, 'Conv')
    Conv2d = fake_class('torch.nn.modules.conv', 'Conv2d')
    BatchNorm2d = fake_class('torch.nn.modules.batchnorm', 'BatchNorm2d')
    SiLU = fake_class('torch.nn.modules.activation', 'SiLU')
    ns_mod = 'ultralytics.yolo.utils' if old_paths else 'ultralytics.utils'
    Namespace = fake_class(ns_mod, 'IterableSimpleNamespace')

    s0 = Storage(STORAGE_TYPES['HalfStorage'], '0', 40, pack('e', [i * 0.25 for i in range(40)], order))
    s1 = Storage(STORAGE_TYPES['BFloat16Storage'], '1', 2, pack('bf16', [1.5, -2.0], order))
    s2 = Storage(STORAGE_TYPES['FloatStorage'], '2', 2, pack('f', [0.1, -0.2], order))
    s3 = Storage(STORAGE_TYPES['LongStorage'], '3', 1, pack('q', [123456789012], order))
    s4 = Storage(STORAGE_TYPES['FloatStorage'], '4', 3, pack('f', [8.0, 16.0, 32.0], order))
    d = dict if torch2 else collections.OrderedDict
    conv2d = module(Conv2d, torch2, params=[('weight', tensor(s0, 0, (2, 3, 2, 2), (12, 4, 2, 1), True)),
                                            ('bias', None)],
                    in_channels=3, out_channels=2, kernel_size=(2, 2), stride=(1, 1), padding=(0, 0),
                    dilation=(1, 1), groups=1, padding_mode='zeros')
    bn = module(BatchNorm2d, torch2,
                params=[('weight', tensor(s1, 0, (2,), (1,), True)), ('bias', tensor(s2, 0, (2,), (1,), True))],
                buffers=[('running_mean', tensor(s0, 24, (2,), (1,))), ('running_var', tensor(s0, 26, (2,), (2,))),
                         ('num_batches_tracked', tensor(s3, 0, (), ()))],
                num_features=2, eps=0.001, momentum=0.03, affine=True, track_running_stats=True)
    act = module(SiLU, torch2, inplace=True)
    conv = module(Conv, torch2, modules=[('conv', conv2d), ('bn', bn), ('act', act)], i=0, f=-1,
                  type=conv_mod + '.Conv', np=28)
    seq = module(Sequential, torch2, modules=[('0', conv)])
    args = Namespace.__new__(Namespace)
    args.__dict__.update({'task': 'detect', 'imgsz': 64, 'half': False})
    model = module(Model, torch2, modules=[('model', seq)],
                   yaml=d([('nc', 2), ('backbone', [[-1, 1, 'Conv', [2, 2, 1]]]), ('head', [])]),
                   save=[], names={0: 'cat', 1: 'dog'}, stride=tensor(s4, 0, (3,), (1,)),
                   grid=tensor(s0, 30, (2, 5), (1, 2)), shape=TorchSize((1, 2, 5)),
                   args=args, nc=2, inplace=True)
    return model, [s0, s1, s2, s3, s4]


def make_tiny_checkpoints():
    # torch 2.x style: un-stripped (model None, network under ema), protocol 4, plain dicts, archive/ prefix.
    model, storages = tiny_detector(torch2=True)
    root = {'date': '2026-01-01T00:00:00', 'version': '8.3.200', 'epoch': 4, 'best_fitness': 0.5,
            'model': None, 'ema': model, 'updates': 40, 'optimizer': None, 'train_args': None}
    cycle = ['head']
    cycle.append(cycle)  # a list that contains itself: legal in a pickle, must not hang a reader
    model.__dict__['cycle'] = cycle
    pkl = dumps(root, protocol=4)
    by_key = {s.key: s for s in storages}
    records = [('archive/byteorder', b'little'), ('archive/data/3', by_key['3'].data),
               ('archive/data/1', by_key['1'].data), ('archive/.format_version', b'1'),
               ('archive/data.pkl', pkl), ('archive/data/0', by_key['0'].data),
               ('archive/.storage_alignment', b'64'), ('archive/data/4', by_key['4'].data),
               ('archive/data/2', by_key['2'].data), ('archive/.data/serialization_id', b'1234567890'),
               ('archive/version', b'3\n'), ('archive/.data/version', b'3\n')]
    write_zip('torch2-style.pt', records, descriptors=True)

    # The same, big-endian (byteorder record 'big', storages packed big-endian).
    model, storages = tiny_detector(torch2=True, order='>')
    root['ema'] = model
    pkl = dumps(root, protocol=4)
    recs = [('archive/byteorder', b'big'), ('archive/data.pkl', pkl)]
    recs += [('archive/data/' + s.key, s.data) for s in storages] + [('archive/version', b'3\n')]
    write_zip('big-endian.pt', recs, descriptors=True)

    # Old style: protocol 2, OrderedDicts, Ultralytics 8.0 import paths, file stem prefix, model and ema both set
    # (ema wins), train_args as an IterableSimpleNamespace-less dict.
    ema, storages = tiny_detector(torch2=False, old_paths=True)
    ema.__dict__['names'] = {0: 'ema-cat', 1: 'ema-dog'}
    plain, _ = tiny_detector(torch2=False, old_paths=True)
    plain.__dict__['names'] = {0: 'model-cat', 1: 'model-dog'}
    root = collections.OrderedDict([('epoch', -1), ('model', plain), ('ema', ema),
                                    ('train_args', {'task': 'detect', 'imgsz': 64})])
    # Both networks share storages (as they would not in a real file, but it keeps the file small).
    write_zip('old-paths.pt', torch1_records('old-paths', dumps(root, 2), storages))


class NumpyDType:
    """Pickles as numpy does: numpy.dtype(code, False, True) then BUILD (3, endian, None, None, None, -1, -1, 0)."""

    def __init__(self, code, endian):
        self.code, self.endian = code, endian

    def __reduce__(self):
        return fake_class('numpy', 'dtype'), (self.code, False, True), (3, self.endian, None, None, None, -1, -1, 0)


def numpy_scalar(module, code, endian, fmt, value):
    """numpy.core.multiarray.scalar(dtype, bytes); protocol 2 pickles the bytes as _codecs.encode(str, 'latin1')."""
    fn = fake_function(module, 'scalar', Reduced)
    data = struct.pack(('>' if endian == '>' else '<') + fmt, value)
    return fn(NumpyDType(code, endian), data)


def make_numpy_scalars():
    # Older Ultralytics versions stored best_fitness / train_metrics as numpy scalars.
    model, storages = tiny_detector(torch2=False)
    root = {'model': model, 'ema': None,
            'best_fitness': numpy_scalar('numpy.core.multiarray', 'f8', '<', 'd', 0.625),
            'train_metrics': {'fitness': numpy_scalar('numpy._core.multiarray', 'f4', '<', 'f', 1.5),
                              'count': numpy_scalar('numpy.core.multiarray', 'i8', '<', 'q', -7),
                              'flag': numpy_scalar('numpy.core.multiarray', 'b1', '|', '?', True),
                              'big': numpy_scalar('numpy.core.multiarray', 'f8', '>', 'd', 2.5)}}
    write_zip('numpy-scalars.pt', torch1_records('numpy-scalars', dumps(root, 2), storages))
    # A dtype the reader does not decode (complex): refused, not guessed.
    P2 = b'\x80\x02'
    small_zip('numpy-complex.pt', P2 + b'cnumpy\ndtype\nX\x03\x00\x00\x00c16\x89\x88\x87R.')


# ---------------------------------------------------------------- malicious pickles
def small_zip(name, pkl, stem='model'):
    write_zip(name, [(stem + '/data.pkl', pkl), (stem + '/version', b'3\n')])


class Payload:
    """Pickles as os.system('echo pwned'); Python writes the global as posix.system on Linux."""

    def __reduce__(self):
        return os.system, ('echo pwned',)


def make_malicious():
    P2 = b'\x80\x02'
    # GLOBAL + REDUCE: the classic.
    small_zip('evil-os-system.pt', P2 + b'cos\nsystem\nX\x0a\x00\x00\x00echo pwned\x85R.')
    # What pickle itself writes for os.system, wrapped in a checkpoint dict.
    small_zip('evil-posix-system.pt', pickle.dumps({'model': Payload()}, protocol=2))
    # STACK_GLOBAL (protocol 4) naming builtins.eval.
    small_zip('evil-eval-stack-global.pt',
              b'\x80\x04\x8c\x08builtins\x94\x8c\x04eval\x94\x93\x8c\x06print(1)\x85R.')
    # INST (protocol 0) naming builtins.exec.
    small_zip('evil-exec-inst.pt', b"(S'print(1)'\nibuiltins\nexec\n.")
    # OBJ (protocol 1) with __builtin__.apply.
    small_zip('evil-apply-obj.pt', b"(c__builtin__\napply\nc__builtin__\nlen\n(S'x'\nto.")
    # NEWOBJ of subprocess.Popen.
    small_zip('evil-subprocess-newobj.pt', P2 + b'csubprocess\nPopen\nX\x02\x00\x00\x00id\x85\x81.')
    # getattr on an allowed class to reach a method: not the enum pattern.
    small_zip('evil-getattr.pt', P2 + b'c__builtin__\ngetattr\nctorch.nn.modules.conv\nConv2d\n'
              b'X\x07\x00\x00\x00forward\x86R.')
    # EXT1: a global named indirectly through the copyreg extension registry.
    small_zip('evil-ext.pt', P2 + b'\x82\x01)R.')
    # os.system hidden deep inside an otherwise valid module tree (in a Conv's attributes).
    model, storages = tiny_detector(torch2=False)
    model.__dict__['_modules']['model'].__dict__['_modules']['0'].__dict__['hook'] = [{'x': Payload()}]
    write_zip('evil-nested.pt', torch1_records('evil-nested', dumps({'model': model}, 2), storages))
    # A snake_case function of an allowed package (Ultralytics' own loader).
    small_zip('evil-package-function.pt', P2 + b'cultralytics.nn.tasks\ntorch_safe_load\nX\x01\x00\x00\x00x\x85R.')


# ---------------------------------------------------------------- broken and foreign files
def make_broken(fixtures):
    model, storages = tiny_detector(torch2=False)
    ok = torch1_records('tiny', dumps({'model': model, 'ema': None}, 2), storages)
    whole = write_zip('valid-tiny.pt', ok)
    with open(os.path.join(OUT, 'truncated.pt'), 'wb') as f:
        f.write(whole[:len(whole) // 2])
    write_zip('missing-data-pkl.pt', [r for r in ok if not r[0].endswith('data.pkl')])
    write_zip('missing-storage.pt', [r for r in ok if r[0] != 'tiny/data/2'])
    write_zip('storage-too-short.pt', [(n, d[:-2] if n == 'tiny/data/0' else d) for n, d in ok])

    # A tensor view that reaches past its storage (size 41 of a 40-element storage).
    s0 = Storage(STORAGE_TYPES['HalfStorage'], '0', 40, bytes(80))
    small = {'model': None, 'ema': None, 'x': tensor(s0, 0, (41,), (1,))}
    write_zip('bad-view.pt', torch1_records('bad-view', dumps(small, 2), [s0]))

    # A module that is its own child; and a chain of modules that each reference the next twice (2^30 positions).
    Seq = fake_class('torch.nn.modules.container', 'Sequential')
    loop = module(Seq, False)
    loop.__dict__['_modules']['0'] = loop
    write_zip('module-cycle.pt', torch1_records('module-cycle', dumps({'model': loop}, 2)))
    node = module(Seq, False)
    for _ in range(30):
        node = module(Seq, False, modules=[('a', node), ('b', node)])
    write_zip('module-dag-bomb.pt', torch1_records('module-dag-bomb', dumps({'model': node}, 2)))

    # Zip bombs: a record that declares 8 MiB and compresses 1000:1; one that lies about its inflated size.
    big = b'\x80\x02X' + struct.pack('<I', 8 << 20) + b'A' * (8 << 20) + b'.'
    write_zip('bomb-ratio.pt', [('bomb/data.pkl', big), ('bomb/version', b'3\n')], compress=zipfile.ZIP_DEFLATED)
    lying = write_zip('bomb-lying-size.pt', [('bomb/data.pkl', b'\x80\x02N.' + bytes(2 << 20)),
                                             ('bomb/version', b'3\n')], compress=zipfile.ZIP_DEFLATED)
    lying = bytearray(lying)
    real = 4 + (2 << 20)
    local = lying.find(b'PK\x03\x04')
    central = lying.find(b'PK\x01\x02')
    for at in (local + 22, central + 24):
        assert struct.unpack_from('<I', lying, at)[0] == real
        struct.pack_into('<I', lying, at, 100)
    with open(os.path.join(OUT, 'bomb-lying-size.pt'), 'wb') as f:
        f.write(lying)

    # Legacy (torch < 1.6) format: consecutive pickles starting with the magic number.
    legacy = (pickle.dumps(0x1950a86a20f9469cfc6c, protocol=2) + pickle.dumps(1001, protocol=2)
              + pickle.dumps({'protocol_version': 1001, 'little_endian': True}, protocol=2))
    with open(os.path.join(OUT, 'legacy.pt'), 'wb') as f:
        f.write(legacy)
    with open(os.path.join(OUT, 'bare-pickle.pt'), 'wb') as f:
        f.write(pickle.dumps({'model': None}, protocol=2))
    write_zip('torchscript.pt', [('m/data.pkl', pickle.dumps({}, 2)), ('m/constants.pkl', pickle.dumps((), 2)),
                                 ('m/code/__torch__/m.py', b'class M: pass\n'), ('m/version', b'3\n')])

    # A state_dict: OrderedDict of name -> tensor, no module tree.
    s0 = Storage(STORAGE_TYPES['HalfStorage'], '0', 4, pack('e', [1, 2, 3, 4]))
    sd = collections.OrderedDict([('model.0.conv.weight', tensor(s0, 0, (2, 2), (2, 1))),
                                  ('model.0.bn.bias', tensor(s0, 0, (2,), (1,)))])
    write_zip('state-dict.pt', torch1_records('state-dict', dumps(sd, 2), [s0]))
    # A pickle that is a dict but no Ultralytics checkpoint.
    write_zip('not-ultralytics.pt', torch1_records('not-ultralytics',
                                                   dumps({'epoch': 3, 'weights': [1, 2, 3]}, 2)))


# ---------------------------------------------------------------- the fixture, re-pickled torch 2.x style
def make_fixture_rewrite(fixtures):
    src = os.path.join(fixtures, 'tiny', 'yolov8n.pt')
    with zipfile.ZipFile(src) as z:
        root = Unpickler(io.BytesIO(z.read('yolov8n/data.pkl'))).load()
    seen = set()

    def torch2(obj):
        if id(obj) in seen:
            return
        seen.add(id(obj))
        if isinstance(obj, dict):
            for v in list(obj.values()):
                torch2(v)
        elif isinstance(obj, (list, tuple)):
            for v in obj:
                torch2(v)
        elif hasattr(obj, '__dict__') and '_modules' in obj.__dict__:
            d = obj.__dict__
            for key in ('_parameters', '_buffers', '_modules'):
                d[key] = dict(d[key])
            for h in HOOKS_2X:
                d.setdefault(h, collections.OrderedDict())
            for v in list(d.values()):
                torch2(v)
        elif hasattr(obj, '__dict__'):
            for v in list(obj.__dict__.values()):
                torch2(v)

    torch2(root)
    with open(os.path.join(OUT, 'yolov8n-torch2.data.pkl'), 'wb') as f:
        f.write(dumps(root, protocol=2))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--fixtures', default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                       '..', '..', '..', '..', '..', 'shared', 'fixtures'))
    a = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    make_tiny_checkpoints()
    make_numpy_scalars()
    make_malicious()
    make_broken(a.fixtures)
    make_fixture_rewrite(a.fixtures)
    for name in sorted(os.listdir(OUT)):
        print('%8d  %s' % (os.path.getsize(os.path.join(OUT, name)), name))


if __name__ == '__main__':
    main()
