using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Workflows.Orchestrations.Onnx;

/// <summary>Registers ONNX Runtime for evaluation and serving.</summary>
public static class OnnxRuntimeServices
{
    /// <summary>
    /// <see cref="OnnxRuntimeOptions"/> bound from <c>workflows:onnxRuntime</c>, and one <see cref="OnnxRuntime"/> for the
    /// process, loaded on first use so a host that never scores does not need the library.
    /// </summary>
    public static IServiceCollection AddOnnxRuntime(this IServiceCollection services)
    {
        services.AddOptions<OnnxRuntimeOptions>().BindConfiguration(OnnxRuntimeOptions.SectionName);
        services.AddSingleton(sp => OnnxRuntime.Load(sp.GetRequiredService<IOptions<OnnxRuntimeOptions>>().Value, sp.GetRequiredService<ILogger<OnnxRuntime>>()));
        return services;
    }
}
