namespace Workflows.Orchestrations.Artifacts;

/// <summary>What a store knows about one object.</summary>
/// <param name="Path">The object's '/'-separated relative path.</param>
/// <param name="Length">The content length in bytes.</param>
/// <param name="LastModified">When the object was last written.</param>
/// <param name="ETag">An opaque, quoted version tag that changes when the object is rewritten; null when the store has none.</param>
public sealed record ArtifactInfo(string Path, long Length, DateTimeOffset LastModified, string? ETag);
