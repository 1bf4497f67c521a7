using System.Text.Json.Serialization;

namespace Workflows.Orchestrations.Evaluation;

/// <summary>What a calibration curve compares.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CalibrationTarget>))]
public enum CalibrationTarget
{
    /// <summary>Binary: the probability of class 1 against the observed share of class 1 (scikit-learn's calibration_curve).</summary>
    PositiveClass,

    /// <summary>Multiclass: the predicted class's probability (the confidence) against how often the prediction is right.</summary>
    TopLabel,
}
