// Builds a tiny but real ONNX image classifier for tests, with onnx-proto: global average pooling of
// the normalised RGB input, then a 3x3 linear layer that maps channels to labels. Mean colour decides
// the class, so a test can predict the answer from the picture it feeds in.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;

function valueInfo(name: string, dims: number[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType: FLOAT,
        shape: onnx.TensorShapeProto.create({
          dim: dims.map((d) => onnx.TensorShapeProto.Dimension.create({ dimValue: d })),
        }),
      }),
    }),
  });
}

/** labels[j] scores `gain` times the mean of input channel channelOf[j]. */
export function buildChannelClassifier(options: {
  size: number;
  channelOf: number[];
  gain: number;
}): Uint8Array {
  const { size, channelOf, gain } = options;
  const classes = channelOf.length;
  const weights = new Array(3 * classes).fill(0);
  channelOf.forEach((channel, j) => {
    weights[channel * classes + j] = gain;
  });
  const graph = onnx.GraphProto.create({
    name: 'channel-classifier',
    input: [valueInfo('pixels', [1, 3, size, size])],
    output: [valueInfo('logits', [1, classes])],
    initializer: [
      onnx.TensorProto.create({ name: 'W', dataType: FLOAT, dims: [3, classes], floatData: weights }),
      onnx.TensorProto.create({
        name: 'B',
        dataType: FLOAT,
        dims: [classes],
        floatData: new Array(classes).fill(0),
      }),
    ],
    node: [
      onnx.NodeProto.create({ opType: 'GlobalAveragePool', input: ['pixels'], output: ['pooled'] }),
      onnx.NodeProto.create({
        opType: 'Flatten',
        input: ['pooled'],
        output: ['features'],
        attribute: [
          onnx.AttributeProto.create({ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 }),
        ],
      }),
      onnx.NodeProto.create({ opType: 'Gemm', input: ['features', 'W', 'B'], output: ['logits'] }),
    ],
  });
  const model = onnx.ModelProto.create({
    irVersion: 7,
    producerName: 'wild-sentinel-tests',
    opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: 13 })],
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}
