namespace Workflows.Orchestrations.Registry;

/// <summary>A registry request that cannot be done as asked (an unknown version or alias, a bad alias name); the message says why.</summary>
public sealed class RegistryException(string message) : Exception(message);
