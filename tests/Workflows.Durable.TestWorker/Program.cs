using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Workflows.Durable;
using Workflows.Durable.TestWorker;

// Usage: Workflows.Durable.TestWorker <connection string> <hub name> [lease seconds] [stall]
// Runs a durable worker with the shared test orchestrations until killed or stdin closes.
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: Workflows.Durable.TestWorker <connection string> <hub name> [lease seconds] [stall]");
    return 2;
}

var (connectionString, hubName) = (args[0], args[1]);
var lease = TimeSpan.FromSeconds(args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 30);
await using var logSource = NpgsqlDataSource.Create(connectionString);
var log = new ActivityLog(logSource, ActivityLog.TableFor(hubName));

var builder = Host.CreateApplicationBuilder();
builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
var stall = args.Length > 3 && args[3] == "stall";
builder.Services.AddDurableTask(registry => registry.AddShared(log, stall)).AddDurableTaskWorker();
builder.Services.Configure<DurableTaskOptions>(options =>
{
    options.HubName = hubName;
    options.StorageProvider.ConnectionString = connectionString;
    options.StorageProvider.ActivityLeaseDuration = lease;
    options.StorageProvider.OrchestrationLeaseDuration = lease;
    options.StorageProvider.MaxPollingInterval = TimeSpan.FromMilliseconds(500);
});
using var host = builder.Build();
await host.StartAsync();
Console.WriteLine("ready");
// The test ends a worker by closing its stdin (clean stop) or by SIGKILL (crash).
await Task.Run(() => Console.In.ReadToEnd());
await host.StopAsync();
return 0;
