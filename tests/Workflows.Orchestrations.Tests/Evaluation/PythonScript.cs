using System.Diagnostics;
using Workflows.Testing;

namespace Workflows.Orchestrations.Tests.Evaluation;

/// <summary>Runs Python with JSON on stdin and returns stdout, failing the test with stderr when it exits non-zero.</summary>
internal static class PythonScript
{
    public static async Task<string> RunAsync(string[] modules, string[] arguments, string input, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(TestPython.With(modules), arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.StandardInput.WriteAsync(input.AsMemory(), cancellationToken);
        process.StandardInput.Close();
        await process.WaitForExitAsync(cancellationToken);
        Assert.True(process.ExitCode == 0, $"python {string.Join(' ', arguments)} exited {process.ExitCode}:\n{await error}");
        return await output;
    }
}
