using Workflows.Orchestrations.Onnx;

namespace Workflows.Functions.Serving;

/// <summary>
/// An ONNX session with pre-allocated, pinned input and output buffers for the largest batch, and one pair of ORT
/// tensors over them per batch size, made on first use and kept: a scored batch allocates nothing and copies nothing
/// beyond its rows into the input and its outputs out.
/// </summary>
internal sealed class OnnxBatchScorer : IBatchScorer, IDisposable
{
    private readonly OnnxRuntime _runtime;
    private readonly OnnxSession _session;
    private readonly float[] _input;
    private readonly float[] _output;
    private readonly bool _outputIsVector;
    private readonly OnnxValue?[] _inputs;
    private readonly OnnxValue?[] _outputs;

    public OnnxBatchScorer(OnnxRuntime runtime, OnnxSession session, int inputWidth, int outputWidth, int maxRows)
    {
        _runtime = runtime;
        _session = session;
        InputWidth = inputWidth;
        OutputWidth = outputWidth;
        MaxRows = maxRows;
        // A regression model may answer [batch] rather than [batch, 1]; the buffer is the same, the tensor's shape is not.
        _outputIsVector = session.Outputs[0].Shape.Count == 1;
        _input = GC.AllocateArray<float>(maxRows * inputWidth, pinned: true);
        _output = GC.AllocateArray<float>(maxRows * outputWidth, pinned: true);
        _inputs = new OnnxValue?[maxRows + 1];
        _outputs = new OnnxValue?[maxRows + 1];
    }

    public int InputWidth { get; }

    public int OutputWidth { get; }

    public int MaxRows { get; }

    public Span<float> Input => _input;

    public ReadOnlySpan<float> Output => _output;

    public void Score(int rows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rows, MaxRows);
        var input = _inputs[rows] ??= _runtime.CreateTensor(_input.AsMemory(0, rows * InputWidth), rows, InputWidth);
        var output = _outputs[rows] ??= _outputIsVector
            ? _runtime.CreateTensor(_output.AsMemory(0, rows), rows)
            : _runtime.CreateTensor(_output.AsMemory(0, rows * OutputWidth), rows, OutputWidth);
        _session.Run([input], [output]);
    }

    public void Dispose()
    {
        foreach (var value in _inputs.Concat(_outputs))
        {
            value?.Dispose();
        }
    }
}
