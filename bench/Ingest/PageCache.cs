using System.Runtime.InteropServices;

namespace Workflows.Bench.Ingest;

/// <summary>
/// Evicts a file from the OS page cache (posix_fadvise DONTNEED), so the next read comes from the disk, as a freshly
/// dropped file on a busy host would. Without it, a "raw read" is a memory copy at many GB/s and no parser compares.
/// </summary>
internal static class PageCache
{
    private const int DontNeed = 4;

    public static void Evict(string path)
    {
        // Dirty pages are not evicted: write them out first.
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite);
        RandomAccess.FlushToDisk(file);
        var result = PosixFadvise((int)file.DangerousGetHandle(), 0, 0, DontNeed);
        if (result != 0)
        {
            throw new IOException($"posix_fadvise(DONTNEED) on {path} failed with error {result}");
        }
    }

    [DllImport("libc", EntryPoint = "posix_fadvise")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int PosixFadvise(int fd, long offset, long length, int advice);
}
