using YamlDotNet.RepresentationModel;

namespace Workflows.Orchestrations.Pipelines;

/// <summary>Reads the <c>monitoring</c> section.</summary>
internal static class MonitoringReader
{
    public static readonly IReadOnlyList<string> Keys =
    [
        "schedule", "methods", "psiThreshold", "ksPValue", "wassersteinThreshold", "chiSquarePValue", "driftedFeatureShare",
        "minWindowRows", "retrainOnDrift", "cooldown", "maxConcurrentRetrains", "webhookUrl",
    ];

    private static readonly Dictionary<string, DriftMethod> Methods = new()
    {
        ["psi"] = DriftMethod.Psi,
        ["ks"] = DriftMethod.KolmogorovSmirnov,
        ["wasserstein"] = DriftMethod.Wasserstein,
        ["chiSquare"] = DriftMethod.ChiSquare,
    };

    private static readonly NumberBounds PValue = new(0, 1, MinExclusive: true);

    public static MonitoringDefinition Read(YamlSection section) => new(
        PipelineRules.Cron(section, "schedule") ?? PipelineDefaults.MonitoringSchedule,
        ReadMethods(section),
        section.Number("psiThreshold", PipelineDefaults.PsiThreshold, NumberBounds.Positive),
        section.Number("ksPValue", PipelineDefaults.KsPValue, PValue),
        section.Number("wassersteinThreshold", PipelineDefaults.WassersteinThreshold, NumberBounds.Positive),
        section.Number("chiSquarePValue", PipelineDefaults.ChiSquarePValue, PValue),
        section.Number("driftedFeatureShare", PipelineDefaults.DriftedFeatureShare, NumberBounds.PositiveFraction),
        section.Integer("minWindowRows", PipelineDefaults.MinWindowRows, NumberBounds.AtLeast(1)),
        section.Flag("retrainOnDrift", PipelineDefaults.RetrainOnDrift),
        section.Duration("cooldown", PipelineDefaults.Cooldown),
        section.Integer("maxConcurrentRetrains", PipelineDefaults.MaxConcurrentRetrains, NumberBounds.AtLeast(1)),
        ReadWebhook(section));

    private static List<DriftMethod> ReadMethods(YamlSection section)
    {
        if (section.Find("methods") is not { } node)
        {
            return [.. PipelineDefaults.DriftMethods];
        }

        var path = section.PathOf("methods");
        var items = section.Reader.Items(node, path);
        if (items.Count == 0 && node is YamlSequenceNode)
        {
            section.Reader.Error(node, $"'{path}' lists no methods (expected some of: {string.Join(", ", Methods.Keys)})");
        }

        var methods = new List<DriftMethod>();
        for (var i = 0; i < items.Count; i++)
        {
            if (!section.Reader.TryChoice(items[i], $"{path}[{i}]", Methods, out var method))
            {
                continue;
            }

            if (methods.Contains(method))
            {
                section.Reader.Error(items[i], $"'{path}' lists '{((YamlScalarNode)items[i]).Value}' more than once");
            }
            else
            {
                methods.Add(method);
            }
        }

        return methods;
    }

    private static Uri? ReadWebhook(YamlSection section)
    {
        if (section.Text("webhookUrl") is not { } text)
        {
            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            section.ReportAt("webhookUrl", $"'monitoring.webhookUrl' must be an absolute http or https URL, found '{text}'");
            return null;
        }

        return url;
    }
}
