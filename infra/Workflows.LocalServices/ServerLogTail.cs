using System.Text;

namespace Workflows.LocalServices;

/// <summary>Shows the end of a log in error messages: the cause of a failed start is nearly always in the last lines.</summary>
internal static class ServerLogTail
{
    /// <summary>Returns the last <paramref name="count"/> lines of <paramref name="text"/>.</summary>
    public static string LastLines(string text, int count)
    {
        var lines = text.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        return string.Join(Environment.NewLine, lines.Skip(Math.Max(0, lines.Length - count)));
    }

    /// <summary>Returns the last <paramref name="count"/> lines of the file at <paramref name="path"/>, written after <paramref name="fromOffset"/>.</summary>
    public static string ReadLastLines(string path, int count, long fromOffset = 0)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            const long window = 64 * 1024;
            var start = Math.Max(fromOffset, stream.Length - window);
            stream.Seek(Math.Min(start, stream.Length), SeekOrigin.Begin);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var text = reader.ReadToEnd();
            return text.Length == 0 ? "(the server log is empty)" : LastLines(text, count);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"(could not read the server log '{path}': {ex.Message})";
        }
    }
}
