namespace Workflows.Functions.Demo;

/// <summary>What the demo pipeline is asked to do.</summary>
public sealed record DemoRequest(string Dataset, int Rows, int Trials, TimeSpan ApprovalTimeout);

/// <summary>A registered dataset: its content hash and size.</summary>
public sealed record DemoDataset(string Name, string Sha256, int Rows);

/// <summary>One hyperparameter trial and its validation score.</summary>
public sealed record DemoTrial(int Number, double LearningRate, double Score);

/// <summary>A human decision on deploying the best trial.</summary>
public sealed record DemoApproval(string By, bool Approved);

/// <summary>The pipeline's outcome.</summary>
public sealed record DemoOutcome(DemoDataset Dataset, DemoTrial Best, DemoApproval Approval, string? DeployedVersion);
