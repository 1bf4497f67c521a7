namespace Workflows.Orchestrations.Onnx;

public sealed unsafe partial class OnnxSession
{
    /// <summary>
    /// The fast path: runs the model on <paramref name="inputs"/> (one per model input, in <see cref="Inputs"/> order)
    /// and writes every output, in place, into <paramref name="outputs"/> (one pre-allocated value per model output, in
    /// <see cref="Outputs"/> order, of the exact shape and type the model produces for these inputs).
    /// </summary>
    /// <exception cref="OnnxRuntimeException">ORT refused the inputs or outputs (shape, element type) or failed.</exception>
    public void Run(ReadOnlySpan<OnnxValue> inputs, ReadOnlySpan<OnnxValue> outputs)
    {
        CheckCount(inputs.Length, Inputs, nameof(inputs));
        CheckCount(outputs.Length, Outputs, nameof(outputs));
        var produced = stackalloc nint[outputs.Length];
        fixed (nint* inputNames = _inputNames, outputNames = _outputNames)
        {
            RunCore((byte**)inputNames, inputs, (byte**)outputNames, outputs.Length, outputs, produced);
        }
    }

    /// <summary>
    /// Runs the model on named inputs and writes the named outputs, in place, into pre-allocated values; outputs not
    /// named are not computed (unless other outputs need them).
    /// </summary>
    /// <exception cref="ArgumentException">A name the model does not have.</exception>
    public void Run(ReadOnlySpan<(string Name, OnnxValue Value)> inputs, ReadOnlySpan<(string Name, OnnxValue Value)> outputs)
    {
        var inputNames = stackalloc nint[inputs.Length];
        var outputNames = stackalloc nint[outputs.Length];
        var inputValues = new OnnxValue[inputs.Length];
        var outputValues = new OnnxValue[outputs.Length];
        for (var i = 0; i < inputs.Length; i++)
        {
            (inputNames[i], inputValues[i]) = (_inputNames[IndexOf(inputs[i].Name, _inputIndex, Inputs, "input")], inputs[i].Value);
        }

        for (var i = 0; i < outputs.Length; i++)
        {
            (outputNames[i], outputValues[i]) = (_outputNames[IndexOf(outputs[i].Name, _outputIndex, Outputs, "output")], outputs[i].Value);
        }

        var produced = stackalloc nint[outputs.Length];
        RunCore((byte**)inputNames, inputValues, (byte**)outputNames, outputs.Length, outputValues, produced);
    }

    /// <summary>Runs the model on named inputs and returns every output copied into managed arrays.</summary>
    /// <exception cref="ArgumentException">A name the model does not have.</exception>
    /// <exception cref="OnnxRuntimeException">ORT refused the inputs or failed.</exception>
    public IReadOnlyList<OnnxTensor> Run(params ReadOnlySpan<(string Name, OnnxValue Value)> inputs)
    {
        var all = new string[Outputs.Count];
        for (var i = 0; i < all.Length; i++)
        {
            all[i] = Outputs[i].Name;
        }

        return Run(inputs, all);
    }

    /// <summary>Runs the model on named inputs and returns the named outputs, in that order, copied into managed arrays.</summary>
    public IReadOnlyList<OnnxTensor> Run(ReadOnlySpan<(string Name, OnnxValue Value)> inputs, ReadOnlySpan<string> outputNames)
    {
        var inputNames = stackalloc nint[inputs.Length];
        var inputValues = new OnnxValue[inputs.Length];
        for (var i = 0; i < inputs.Length; i++)
        {
            (inputNames[i], inputValues[i]) = (_inputNames[IndexOf(inputs[i].Name, _inputIndex, Inputs, "input")], inputs[i].Value);
        }

        var names = stackalloc nint[outputNames.Length];
        for (var i = 0; i < outputNames.Length; i++)
        {
            names[i] = _outputNames[IndexOf(outputNames[i], _outputIndex, Outputs, "output")];
        }

        var produced = stackalloc nint[outputNames.Length];
        new Span<nint>(produced, outputNames.Length).Clear();
        RunCore((byte**)inputNames, inputValues, (byte**)names, outputNames.Length, [], produced);

        // ORT allocated each output; every one is released, even when copying an earlier one throws.
        var handles = new OrtHandle[outputNames.Length];
        for (var i = 0; i < handles.Length; i++)
        {
            handles[i] = new OrtHandle(_api.ReleaseValue, produced[i]);
        }

        try
        {
            var tensors = new OnnxTensor[outputNames.Length];
            for (var i = 0; i < tensors.Length; i++)
            {
                tensors[i] = Read(outputNames[i], produced[i]);
            }

            return tensors;
        }
        finally
        {
            foreach (var handle in handles)
            {
                handle.Dispose();
            }
        }
    }

    /// <summary>
    /// Calls ORT's Run with the session and every value held by a reference, so none can be released mid-call.
    /// <paramref name="outputs"/> are pre-allocated values, or empty to let ORT allocate into <paramref name="produced"/>.
    /// </summary>
    private void RunCore(byte** inputNames, ReadOnlySpan<OnnxValue> inputs, byte** outputNames, int outputCount, ReadOnlySpan<OnnxValue> outputs, nint* produced)
    {
        var count = inputs.Length + outputs.Length;
        var handles = count <= 32 ? stackalloc nint[count] : new nint[count];
        var added = 0;
        var sessionAdded = false;
        try
        {
            _handle.DangerousAddRef(ref sessionAdded);
            for (; added < count; added++)
            {
                var value = added < inputs.Length ? inputs[added] : outputs[added - inputs.Length];
                ArgumentNullException.ThrowIfNull(value, added < inputs.Length ? nameof(inputs) : nameof(outputs));
                var ok = false;
                value.Handle.DangerousAddRef(ref ok);
                handles[added] = value.Handle.DangerousGetHandle();
            }

            for (var i = 0; i < outputs.Length; i++)
            {
                // A non-null output tells ORT to write into that value rather than allocate one.
                produced[i] = handles[inputs.Length + i];
            }

            fixed (nint* inputValues = handles)
            {
                _api.Check(_api.Run(_handle.DangerousGetHandle(), 0, inputNames, inputValues, (nuint)inputs.Length, outputNames, (nuint)outputCount, produced));
            }
        }
        finally
        {
            for (var i = 0; i < added; i++)
            {
                (i < inputs.Length ? inputs[i] : outputs[i - inputs.Length]).Handle.DangerousRelease();
            }

            if (sessionAdded)
            {
                _handle.DangerousRelease();
            }
        }
    }

    private OnnxTensor Read(string name, nint value)
    {
        int isTensor;
        _api.Check(_api.IsTensor(value, &isTensor));
        if (isTensor == 0)
        {
            throw new NotSupportedException($"Output '{name}' is not a tensor; this binding reads tensors only.");
        }

        nint info;
        _api.Check(_api.GetTensorTypeAndShape(value, &info));
        using var infoHandle = new OrtHandle(_api.ReleaseTensorTypeAndShapeInfo, info);
        OnnxElementType type;
        nuint rank, count;
        _api.Check(_api.GetTensorElementType(info, &type));
        _api.Check(_api.GetDimensionsCount(info, &rank));
        _api.Check(_api.GetTensorShapeElementCount(info, &count));
        var shape = new long[(int)rank];
        fixed (long* dims = shape)
        {
            _api.Check(_api.GetDimensions(info, dims, rank));
        }

        void* data;
        _api.Check(_api.GetTensorMutableData(value, &data));
        return new OnnxTensor(name, type, shape, OnnxElementTypes.Copy(type, data, checked((int)count)));
    }

    private static int IndexOf(string name, Dictionary<string, int> index, IReadOnlyList<OnnxTensorInfo> infos, string side) =>
        index.TryGetValue(name, out var i) ? i
        : throw new ArgumentException($"The model has no {side} named '{name}'; its {side}s are: {string.Join(", ", infos)}.", nameof(name));

    private static void CheckCount(int given, IReadOnlyList<OnnxTensorInfo> infos, string parameter)
    {
        if (given != infos.Count)
        {
            throw new ArgumentException($"The model takes {infos.Count} {parameter} ({string.Join(", ", infos)}) in this order; {given} were given.", parameter);
        }
    }
}
