using Workflows.Orchestrations.Datasets;

namespace Workflows.Bench.Ingest;

/// <summary>One timed inspection and the peak memory seen during it.</summary>
public sealed record InspectionRun(DatasetInspection Inspection, double Seconds, double MegabytesPerSecond, double PeakManagedMB, double PeakWorkingSetMB);
