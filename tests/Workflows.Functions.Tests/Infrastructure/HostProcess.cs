using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Workflows.Testing;

namespace Workflows.Functions.Tests.Infrastructure;

/// <summary>
/// The Workflows host as a real process (<c>Workflows.Functions up</c>) on a test's PostgreSQL, hub and directories,
/// with its embedded worker: a test can SIGKILL it mid-run, as a crashed machine, and start it again on the same
/// state. Everything is configured through the environment, as an operator would.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private HostProcess(Process process, string url)
    {
        _process = process;
        Url = url;
    }

    public string Url { get; }

    /// <summary>Its output so far, for failure messages.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Starts a host and waits until its API answers.</summary>
    public static async Task<HostProcess> StartAsync(string connectionString, string hubName, string dataDirectory, string pipelinesDirectory, CancellationToken cancellationToken)
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Workflows.Functions.dll"), "up", "--urls", url])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = dataDirectory,
        };
        var environment = new Dictionary<string, string>
        {
            ["WORKFLOWS_POSTGRES_CONNECTION"] = connectionString,
            ["WORKFLOWS_DATA_DIR"] = dataDirectory,
            ["workflows__dataDirectory"] = dataDirectory,
            ["workflows__pipelinesDirectory"] = pipelinesDirectory,
            ["extensions__durableTask__hubName"] = hubName,
            ["extensions__durableTask__storageProvider__maxPollingInterval"] = "00:00:01",
            ["workflows__api__keys__0"] = TestPlatform.ApiKey,
            ["workflows__training__embeddedWorker"] = "true",
            ["workflows__training__leaseDuration"] = "00:00:04",
            ["workflows__training__heartbeatInterval"] = "00:00:00.500",
            ["workflows__training__checkInterval"] = "00:00:01",
            ["workflows__training__checkpointEvery"] = "2",
            ["workflows__worker__devices"] = "cpu",
            ["workflows__worker__python"] = TestPython.With("numpy", "torch"),
            ["workflows__worker__leaseWait"] = "00:00:02",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        var host = new HostProcess(process, url);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await host.WaitUntilAnsweringAsync(cancellationToken);
        return host;
    }

    /// <summary>SIGKILL to the host process alone: no shutdown code runs, leases and episodes are left as they were.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private async Task WaitUntilAnsweringAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(2) };
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The host exited with {_process.ExitCode} before answering:\n{Log}");
            }

            try
            {
                using var response = await http.GetAsync("api/pipelines", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
