#!/usr/bin/env python3
"""Quantises the PP-OCR recognition model's convolutions and matrix products to 8-bit integers.

Recognition is most of OCR's time, and most of recognition is convolution (docs/BENCHMARKS.md
"OCR"). ONNX Runtime runs 8-bit convolutions about twice as fast where the CPU has integer dot
products (AVX-512 VNNI, AVX-VNNI); elsewhere a little faster. Only Conv and MatMul are quantised:
the element-wise operators around them (hard-swish, residual adds) run slower quantised than in
floats. Static quantisation (QDQ, weights per channel) needs each activation's range, measured
once on calibration lines and kept in `scripts/ocr-rec-ranges.json`, so set-up needs no images:

    python3 scripts/ocr-quantise.py REC.onnx OUT.onnx                      # set-up: uses the ranges
    python3 scripts/ocr-quantise.py REC.onnx OUT.onnx --calibrate LINES    # re-measures the ranges

LINES is written by `scripts/make-ocr-calibration.sh` (the repository's own openly licensed PDFs).
Detection stays in floats: quantised, it missed or split lines (Chinese CER 2.5 → 5.0 % on one
report) for a small gain. Needs `onnx`, `onnxruntime` and `numpy` (scripts/setup-ocr.sh installs
pinned ones in a scratch folder).
"""
import argparse
import gzip
import json
import os
import struct
import sys
import tempfile

import numpy as np
import onnx
from onnx import version_converter
from onnxruntime.quantization import CalibrationDataReader, CalibrationMethod, QuantFormat, QuantType, quantize_static
from onnxruntime.quantization.shape_inference import quant_pre_process

RANGES = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'ocr-rec-ranges.json')
LINE_HEIGHT = 48


class Lines(CalibrationDataReader):
    """Line images as the reader prepares them: `YBCAL1\\n`, then per line a u32 width and
    3 × 48 × width bytes of BGR planes, `(value + 1) × 127.5` of the model's input."""

    def __init__(self, path, input_name):
        opener = gzip.open if path.endswith('.gz') else open
        with opener(path, 'rb') as file:
            data = file.read()
        if not data.startswith(b'YBCAL1\n'):
            sys.exit(f'error: {path} is not a calibration file (YBCAL1)')
        self.lines, at = [], 7
        while at < len(data):
            (width,) = struct.unpack_from('<I', data, at)
            at += 4
            size = 3 * LINE_HEIGHT * width
            pixels = np.frombuffer(data, dtype=np.uint8, count=size, offset=at)
            self.lines.append(pixels.astype(np.float32).reshape(1, 3, LINE_HEIGHT, width) / 127.5 - 1.0)
            at += size
        self.input_name = input_name
        self.next = iter(self.lines)

    def get_next(self):
        line = next(self.next, None)
        return None if line is None else {self.input_name: line}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('model')
    parser.add_argument('out')
    parser.add_argument('--calibrate', metavar='LINES', help='measure the ranges on these lines and rewrite the ranges file')
    parser.add_argument('--ranges', default=RANGES)
    args = parser.parse_args()

    model = onnx.load(args.model)
    # Per-channel DequantizeLinear (its `axis`) is opset 13; the exported model is opset 12.
    model = version_converter.convert_version(model, 13)
    reader = None
    if args.calibrate:
        reader = Lines(args.calibrate, model.graph.input[0].name)
        if os.path.exists(args.ranges):
            os.remove(args.ranges)
        print(f'calibrating on {len(reader.lines)} lines')
    elif not os.path.exists(args.ranges):
        sys.exit(f'error: no activation ranges at {args.ranges}: run with --calibrate LINES')
    with tempfile.TemporaryDirectory() as work:
        converted, prepared = os.path.join(work, 'rec13.onnx'), os.path.join(work, 'prepared.onnx')
        onnx.save(model, converted)
        # ONNX Runtime's own graph optimisations first (batch norms folded into convolutions), so
        # what is quantised is what runs.
        quant_pre_process(converted, prepared, skip_symbolic_shape=True)
        quantize_static(prepared, args.out, reader, quant_format=QuantFormat.QDQ, op_types_to_quantize=['Conv', 'MatMul'],
                        per_channel=True, activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                        calibrate_method=CalibrationMethod.MinMax, extra_options={'CalibMovingAverage': True},
                        calibration_cache_path=args.ranges)
    if args.calibrate:
        # Tensors in name order, so a re-measurement's diff shows what moved.
        with open(args.ranges) as file:
            ranges = json.load(file)
        with open(args.ranges, 'w') as file:
            json.dump(ranges, file, sort_keys=True, indent=0)
            file.write('\n')
        os.chmod(args.ranges, 0o644)
    quantised = sum(1 for node in onnx.load(args.out).graph.node if node.op_type == 'QuantizeLinear')
    if quantised == 0:
        sys.exit('error: nothing was quantised (a model this script does not know)')
    print(f'{args.out}: {quantised} activations quantised')


if __name__ == '__main__':
    main()
