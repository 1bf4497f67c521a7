namespace Workflows.Functions.Serving;

/// <summary>A registered model version that could not be loaded for serving (a missing file, a model that does not fit its manifest).</summary>
internal sealed class ModelLoadException(string message, Exception inner) : Exception(message, inner);
