using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Workflows.Durable.Tests;

/// <summary>Runtime settings come from host.json in the shape Azure Functions uses.</summary>
public sealed class HostJsonTests
{
    [Fact]
    public void The_repository_host_json_configures_hub_concurrency_and_leases()
    {
        var hostJson = Path.Combine(FindRepositoryRoot(), "host.json");
        var configuration = new ConfigurationBuilder().AddJsonFile(hostJson).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddDurableTask(_ => { });

        var options = services.BuildServiceProvider().GetRequiredService<IOptions<DurableTaskOptions>>().Value;

        Assert.Equal(configuration["extensions:durableTask:hubName"], options.HubName);
        Assert.Equal(int.Parse(configuration["extensions:durableTask:maxConcurrentActivityFunctions"]!, System.Globalization.CultureInfo.InvariantCulture), options.MaxConcurrentActivityFunctions);
        Assert.Equal(int.Parse(configuration["extensions:durableTask:maxConcurrentOrchestratorFunctions"]!, System.Globalization.CultureInfo.InvariantCulture), options.MaxConcurrentOrchestratorFunctions);
        Assert.Equal(TimeSpan.Parse(configuration["extensions:durableTask:storageProvider:activityLeaseDuration"]!, System.Globalization.CultureInfo.InvariantCulture), options.StorageProvider.ActivityLeaseDuration);
        Assert.Equal("Postgres", options.StorageProvider.ConnectionStringName);
        options.Validate();
    }

    [Fact]
    public void A_setting_that_cannot_work_is_refused_naming_it()
    {
        var options = new DurableTaskOptions { MaxConcurrentActivityFunctions = 0 };

        var error = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.Contains("extensions.durableTask.maxConcurrentActivityFunctions in host.json must be at least 1", error.Message, StringComparison.Ordinal);
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Workflows.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Run the tests from inside the repository.");
    }
}
