namespace Workflows.Functions.Serving;

/// <summary>
/// What a <see cref="MicroBatcher"/> scores with: input and output buffers allocated once, for the largest batch, and a
/// call that scores the first rows of the input into the output. Used by one batcher loop at a time.
/// </summary>
internal interface IBatchScorer
{
    /// <summary>Input values per row.</summary>
    int InputWidth { get; }

    /// <summary>Output values per row.</summary>
    int OutputWidth { get; }

    /// <summary>The most rows one call takes.</summary>
    int MaxRows { get; }

    /// <summary>MaxRows × InputWidth values; a batch's rows are copied to its start.</summary>
    Span<float> Input { get; }

    /// <summary>MaxRows × OutputWidth values; after <see cref="Score"/>, the first rows hold the batch's outputs.</summary>
    ReadOnlySpan<float> Output { get; }

    /// <summary>Scores the first <paramref name="rows"/> rows of <see cref="Input"/> into <see cref="Output"/>.</summary>
    void Score(int rows);
}
