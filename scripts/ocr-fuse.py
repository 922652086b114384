#!/usr/bin/env python3
"""Rewrites hard-swish in the PP-OCR ONNX models as two operators ONNX Runtime runs fast.

The models (converted from Paddle by paddle2onnx) spell hard-swish, their activation, in four
element-wise operators: x * Clip(x + 3, 0, 6) / 6. ONNX Runtime fuses none of them, so each makes a
full pass over the feature map: a third of recognition time. x * HardSigmoid(x) with alpha 1/6
and beta 1/2 is the same function (no opset change needed; HardSigmoid is opset 6) in two passes.

    python3 scripts/ocr-fuse.py IN.onnx OUT.onnx

Needs the `onnx` package (scripts/setup-ocr.sh installs a pinned one in a scratch folder). Prints
how many activations it rewrote; exits non-zero when it finds none (a model it does not know).
"""
import sys

import onnx
from onnx import helper, numpy_helper


def scalar_constants(graph):
    values = {}
    for node in graph.node:
        if node.op_type == 'Constant' and node.attribute and node.attribute[0].type == onnx.AttributeProto.TENSOR:
            values[node.output[0]] = numpy_helper.to_array(node.attribute[0].t)
    for tensor in graph.initializer:
        values[tensor.name] = numpy_helper.to_array(tensor)
    return {name: float(value.reshape(-1)[0]) for name, value in values.items() if value.size == 1}


def fuse_hard_swish(model):
    graph = model.graph
    scalars = scalar_constants(graph)
    producer = {output: node for node in graph.node for output in node.output}
    consumers = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)

    def is_scalar(name, value):
        return name in scalars and abs(scalars[name] - value) < 1e-6

    def only_user(name):
        users = consumers.get(name, [])
        return users[0] if len(users) == 1 else None

    dropped, replaced = set(), {}
    for clip in graph.node:
        if clip.op_type != 'Clip' or len(clip.input) != 3 or not (is_scalar(clip.input[1], 0) and is_scalar(clip.input[2], 6)):
            continue
        add = producer.get(clip.input[0])
        if add is None or add.op_type != 'Add' or len(add.input) != 2 or only_user(add.output[0]) is not clip:
            continue
        inputs = [name for name in add.input if not is_scalar(name, 3)]
        if len(inputs) != 1:
            continue
        x = inputs[0]
        mul = only_user(clip.output[0])
        if mul is None or mul.op_type != 'Mul' or sorted(mul.input) != sorted([x, clip.output[0]]):
            continue
        div = only_user(mul.output[0])
        if div is None or div.op_type != 'Div' or div.input[0] != mul.output[0] or not is_scalar(div.input[1], 6):
            continue
        gate = div.output[0] + '/hard_sigmoid'
        replaced[id(div)] = [
            helper.make_node('HardSigmoid', [x], [gate], name=div.name + '/hard_sigmoid', alpha=1.0 / 6.0, beta=0.5),
            helper.make_node('Mul', [x, gate], [div.output[0]], name=div.name + '/hard_swish'),
        ]
        dropped.update({id(add), id(clip), id(mul)})

    nodes = []
    for node in graph.node:
        if id(node) in dropped:
            continue
        nodes.extend(replaced.get(id(node), [node]))
    del graph.node[:]
    graph.node.extend(nodes)

    # The Add/Clip/Div constants now feed nothing: drop them so the runtime has nothing to warn about.
    used = {name for node in graph.node for name in node.input} | {output.name for output in graph.output}
    kept = [tensor for tensor in graph.initializer if tensor.name in used]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    live = [node for node in graph.node if node.op_type != 'Constant' or node.output[0] in used]
    del graph.node[:]
    graph.node.extend(live)
    return len(replaced)


def main():
    if len(sys.argv) != 3:
        sys.exit('usage: ocr-fuse.py IN.onnx OUT.onnx')
    model = onnx.load(sys.argv[1])
    count = fuse_hard_swish(model)
    if count == 0:
        sys.exit(f'error: no hard-swish found in {sys.argv[1]}')
    onnx.checker.check_model(model)
    onnx.save(model, sys.argv[2])
    print(f'{sys.argv[1]}: {count} hard-swish activations fused')


if __name__ == '__main__':
    main()
