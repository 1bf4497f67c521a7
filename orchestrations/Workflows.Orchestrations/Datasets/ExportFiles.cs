namespace Workflows.Orchestrations.Datasets;

/// <summary>The .npy file names of an export, relative to its directory.</summary>
public sealed record ExportFiles(string XTrain, string YTrain, string XValidation, string YValidation, string XTest, string YTest)
{
    public static ExportFiles Default { get; } = new("X_train.npy", "y_train.npy", "X_val.npy", "y_val.npy", "X_test.npy", "y_test.npy");

    /// <summary>Every file, features and labels of each part.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<string> All => [XTrain, YTrain, XValidation, YValidation, XTest, YTest];
}
