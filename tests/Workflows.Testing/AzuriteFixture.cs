using Workflows.LocalServices;
using Xunit;

namespace Workflows.Testing;

/// <summary>
/// One blob service for the whole test assembly: the account in <c>WORKFLOWS_TEST_BLOB_CONNECTION</c> when set
/// (a shared Azurite, or a real storage account), else an <see cref="EmbeddedAzurite"/> in a temp directory.
/// Each test uses a container of its own (<see cref="NewContainerName"/>), so tests never see each other's objects.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    /// <summary>The environment variable naming an external blob service's connection string.</summary>
    public const string ConnectionStringEnvironmentVariable = "WORKFLOWS_TEST_BLOB_CONNECTION";

    private readonly TempDirectory _temp = new();
    private EmbeddedAzurite? _azurite;
    private string? _connectionString;

    public string ConnectionString => _connectionString ?? throw new InvalidOperationException("The fixture is not initialized.");

    public async ValueTask InitializeAsync()
    {
        var external = Environment.GetEnvironmentVariable(ConnectionStringEnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            _connectionString = external;
            return;
        }

        _azurite = await EmbeddedAzurite.StartAsync(new EmbeddedAzuriteOptions { DataDirectory = _temp.Combine("azurite") }, logger: null, TestContext.Current.CancellationToken);
        _connectionString = _azurite.ConnectionString;
    }

    /// <summary>A container name no other test uses.</summary>
    public static string NewContainerName() => $"test-{Guid.NewGuid():N}";

    public async ValueTask DisposeAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }

        _temp.Dispose();
    }
}
