namespace Workflows.Durable.Postgres;

/// <summary>The kinds of name recorded in the registrations table.</summary>
internal static class WorkerRegistrationKinds
{
    public const string Orchestrator = "orchestrator";
    public const string Activity = "activity";
}
