using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// Starts the kernel writing a range of a file to disk without waiting for it (Linux's <c>sync_file_range</c> with
/// <c>SYNC_FILE_RANGE_WRITE</c>). It only hints: durability still comes from an fsync, which then waits for the last
/// range instead of the whole file. Elsewhere, and where the call fails, it does nothing.
/// </summary>
internal static partial class FileWriteback
{
    private const uint SyncFileRangeWrite = 2;

    public static void Start(SafeFileHandle file, long offset, long length)
    {
        if (OperatingSystem.IsLinux())
        {
            // A failure (a file system without writeback, say) only means the fsync does all the waiting, as without this.
            _ = SyncFileRange(file, offset, length, SyncFileRangeWrite);
        }
    }

    [LibraryImport("libc", EntryPoint = "sync_file_range")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int SyncFileRange(SafeFileHandle file, long offset, long length, uint flags);
}
