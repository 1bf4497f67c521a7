using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Workflows.LocalServices;

/// <summary>
/// The few libc calls .NET does not expose: sending arbitrary signals, the effective user, changing a file's
/// owner and reading it back.
/// </summary>
[SupportedOSPlatform("linux")]
internal static partial class UnixNative
{
    // glibc's soname: the embedded-postgres binaries are glibc builds, so glibc is present wherever they run.
    private const string LibC = "libc.so.6";
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxModeUidGid = 0x2 | 0x8 | 0x10;
    private const int StatxBufferSize = 256;

    /// <summary>Gets a value indicating whether this process runs as root.</summary>
    public static bool IsRoot => geteuid() == 0;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false when the process no longer exists.</summary>
    public static bool TrySignal(int pid, UnixSignal signal) => kill(pid, (int)signal) == 0;

    /// <summary>Changes the owner of <paramref name="path"/> (not following a final symbolic link).</summary>
    public static void ChangeOwner(string path, uint uid, uint gid)
    {
        if (lchown(path, uid, gid) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"chown {uid}:{gid} '{path}' failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).");
        }
    }

    /// <summary>Reads the owner of <paramref name="path"/> (not following a final symbolic link).</summary>
    public static (uint Uid, uint Gid) GetOwner(string path)
    {
        // struct statx is kernel ABI (identical on every architecture): stx_uid at offset 20, stx_gid at 24.
        Span<byte> buffer = stackalloc byte[StatxBufferSize];
        if (statx(AtFdCwd, path, AtSymlinkNoFollow, StatxModeUidGid, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"statx '{path}' failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).");
        }

        return (BitConverter.ToUInt32(buffer[20..]), BitConverter.ToUInt32(buffer[24..]));
    }

    /// <summary>Resolves every symbolic link in <paramref name="path"/>, as <c>/proc/PID/cwd</c> shows it; the path itself when it does not resolve.</summary>
    public static string RealPath(string path)
    {
        var resolved = realpath(path, 0);
        if (resolved == 0)
        {
            return Path.GetFullPath(path);
        }

        try
        {
            return Marshal.PtrToStringUTF8(resolved) ?? path;
        }
        finally
        {
            free(resolved);
        }
    }

    [LibraryImport(LibC, SetLastError = true)]
    private static partial int kill(int pid, int sig);

    [LibraryImport(LibC)]
    private static partial uint geteuid();

    [LibraryImport(LibC, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int lchown(string path, uint owner, uint group);

    [LibraryImport(LibC, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int dirfd, string path, int flags, uint mask, ref byte buffer);

    [LibraryImport(LibC, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint realpath(string path, nint resolved);

    [LibraryImport(LibC)]
    private static partial void free(nint pointer);
}
