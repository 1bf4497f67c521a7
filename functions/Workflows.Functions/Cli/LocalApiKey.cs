using System.Security.Cryptography;

namespace Workflows.Functions.Cli;

/// <summary>
/// The API key of a local host, kept in <c>&lt;data dir&gt;/api-key</c> (readable by its owner only), like the master key
/// Azure Functions' local host generates. <c>wf up</c> creates it when no key is configured; CLI commands read it.
/// </summary>
public static class LocalApiKey
{
    public static string PathIn(string dataDirectory) => Path.Combine(dataDirectory, "api-key");

    /// <summary>The key in the data directory, created on first use.</summary>
    public static string Ensure(string dataDirectory)
    {
        var path = PathIn(dataDirectory);
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }

        Directory.CreateDirectory(dataDirectory);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        File.WriteAllText(path, key);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return key;
    }

    /// <summary>The key in the data directory, or null when there is none.</summary>
    public static string? TryRead(string dataDirectory) => File.Exists(PathIn(dataDirectory)) ? File.ReadAllText(PathIn(dataDirectory)).Trim() : null;
}
