using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Workflows.Functions.Serving;

/// <summary>Registers the scoring endpoint's services.</summary>
public static class ServingServices
{
    /// <summary>
    /// <see cref="ServingOptions"/> bound from <c>workflows:serving</c> and checked at start, the model cache, the router
    /// (a hosted service re-reading aliases), the shadow scorer and the prediction log writer (a hosted service).
    /// ONNX Runtime itself is loaded on the first model load, so a host that never scores never needs the library.
    /// </summary>
    public static IServiceCollection AddServing(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ServingOptions>().Bind(configuration.GetSection(ServingOptions.SectionName))
            .Validate(o =>
            {
                o.Validate();
                return true;
            }).ValidateOnStart();
        services.AddSingleton<ServedModels>();
        services.AddSingleton<PredictionRouter>();
        services.AddHostedService(sp => sp.GetRequiredService<PredictionRouter>());
        services.AddSingleton<PredictionLog>();
        services.AddHostedService(sp => sp.GetRequiredService<PredictionLog>());
        services.AddSingleton<ShadowScorer>();
        services.AddSingleton<PredictionService>();
        services.AddSingleton(sp => new ServingStatistics(sp.GetRequiredService<ServedModels>(), sp.GetRequiredService<PredictionLog>(), sp.GetRequiredService<ShadowScorer>()));
        return services;
    }
}
