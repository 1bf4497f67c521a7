namespace Workflows.Functions.Serving;

/// <summary>A request body the model cannot score, with the row and field at fault where there is one (answered as a 400).</summary>
internal sealed class PredictionInputException(string message, int? row = null, string? field = null) : Exception(message)
{
    /// <summary>The 0-based row (or instance) at fault.</summary>
    public int? Row { get; } = row;

    /// <summary>The feature or property at fault.</summary>
    public string? Field { get; } = field;
}
