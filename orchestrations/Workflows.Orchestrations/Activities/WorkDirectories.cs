using Workflows.Orchestrations.Platform;

namespace Workflows.Orchestrations.Activities;

/// <summary>
/// Scratch directories for activity attempts. Activities run at least once, and two attempts of one activity can
/// overlap (a lease that expired while the first still ran): each attempt gets a directory of its own.
/// </summary>
internal static class WorkDirectories
{
    public static string ForAttempt(PlatformOptions options, string owner)
    {
        var directory = Path.Combine(options.WorkDirectory, $"{owner}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        return directory;
    }

    /// <summary>Best effort: a leftover scratch directory must not hide the error that ended the attempt.</summary>
    public static void Delete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
