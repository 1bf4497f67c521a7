namespace Workflows.Functions.Serving;

/// <summary>A request's rows, encoded as the model's input: <paramref name="Rows"/> × the schema's FeatureCount float32 values, row-major.</summary>
/// <param name="Features">The encoded rows, exactly Rows × FeatureCount long.</param>
/// <param name="Rows">How many rows.</param>
internal sealed record PredictionInput(float[] Features, int Rows);
