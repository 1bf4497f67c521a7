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
        try
        {
            // Created with its final mode, never readable by others; a concurrent creator's key wins.
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var writer = new StreamWriter(path, options);
            writer.Write(key);
        }
        catch (IOException) when (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }

        return key;
    }

    /// <summary>The key in the data directory, or null when there is none.</summary>
    public static string? TryRead(string dataDirectory) => File.Exists(PathIn(dataDirectory)) ? File.ReadAllText(PathIn(dataDirectory)).Trim() : null;
}
