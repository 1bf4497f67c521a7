namespace Workflows.Functions.Triggers;

/// <summary>
/// Tells when a dropped file or blob has stopped changing: its state (size and time, or ETag) must stay the same
/// for the settle time before it is handed over, so files still being written are left alone. Hidden files and the
/// usual partial-download names are never handed over.
/// </summary>
internal sealed class SettleTracker(TimeSpan settleTime)
{
    private static readonly string[] PartialSuffixes = [".tmp", ".part", ".partial", ".crdownload", ".download", ".filepart"];
    private readonly Dictionary<string, (string State, DateTime UnchangedSince)> _seen = new(StringComparer.Ordinal);
    private readonly HashSet<string> _present = new(StringComparer.Ordinal);
    private readonly HashSet<string> _refusedDatasets = new(StringComparer.Ordinal);

    /// <summary>
    /// Whether files of this dataset folder may be handed over: its name must be a valid dataset name. True once per
    /// invalid name in <paramref name="firstRefusal"/>, so it is reported once, not on every scan.
    /// </summary>
    public bool AcceptsDataset(string dataset, out bool firstRefusal)
    {
        var valid = Workflows.Orchestrations.Pipelines.PipelineNames.IsValid(dataset);
        firstRefusal = !valid && _refusedDatasets.Add(dataset);
        return valid;
    }

    /// <summary>Whether a name is one that tools give files they are still writing.</summary>
    public static bool IsPartial(string path)
    {
        var name = Path.GetFileName(path);
        return name.StartsWith('.') || name.StartsWith('~') || PartialSuffixes.Any(s => name.EndsWith(s, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Records what a scan saw; true once the state has not changed for the settle time.</summary>
    public bool IsSettled(string path, string state, DateTime now)
    {
        _present.Add(path);
        if (!_seen.TryGetValue(path, out var last) || last.State != state)
        {
            _seen[path] = (state, now);
            return false;
        }

        return now - last.UnchangedSince >= settleTime;
    }

    /// <summary>Ends a scan: forgets what it did not see, so memory follows what is in the drop.</summary>
    public void EndScan()
    {
        foreach (var gone in _seen.Keys.Where(path => !_present.Contains(path)).ToList())
        {
            _seen.Remove(gone);
        }

        _present.Clear();
    }
}
