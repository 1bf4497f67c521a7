namespace Workflows.Functions.Serving;

/// <summary>The route names a prediction is answered and logged under.</summary>
internal static class ServingRoutes
{
    /// <summary>Answered by the production alias.</summary>
    public const string Production = "production";

    /// <summary>Answered by the candidate, as the canary's share of traffic.</summary>
    public const string Canary = "canary";

    /// <summary>Scored by the shadow candidate on a copy of the request, not answered.</summary>
    public const string Shadow = "shadow";

    /// <summary>Answered by a version asked for by number or alias.</summary>
    public const string Version = "version";
}
