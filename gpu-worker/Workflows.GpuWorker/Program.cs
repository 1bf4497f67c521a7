using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Workflows.GpuWorker;

// Settings: appsettings.json, WORKFLOWS_WORKER__* variables (for example WORKFLOWS_WORKER__HOSTURL), --worker:key value.
var builder = Host.CreateApplicationBuilder(args);
builder.Configuration.AddEnvironmentVariables("WORKFLOWS_");
builder.Configuration.AddCommandLine(args);
builder.Services.Configure<WorkerOptions>(builder.Configuration.GetSection(WorkerOptions.SectionName));
builder.Services.AddHostedService<WorkerService>();
// A trainer asked to stop gets its grace period to checkpoint, and the report to the host some time after.
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = builder.Configuration.GetSection(WorkerOptions.SectionName).Get<WorkerOptions>()?.StopGracePeriod + TimeSpan.FromSeconds(15) ?? TimeSpan.FromSeconds(35));
await builder.Build().RunAsync();
