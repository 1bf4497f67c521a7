namespace Workflows.Functions.Demo;

/// <summary>One step of the main job and whether it ended as it should.</summary>
/// <param name="Step">Its name.</param>
/// <param name="AsExpected">Whether the outcome is the one the story needs.</param>
/// <param name="What">What happened, in words.</param>
public sealed record DemoStep(string Step, bool AsExpected, string What);
