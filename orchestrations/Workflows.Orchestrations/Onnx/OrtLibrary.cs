using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Workflows.Orchestrations.Onnx;

/// <summary>
/// Finds and loads ONNX Runtime's shared library and reads its function table. The library is loaded by path with
/// <see cref="NativeLibrary"/> rather than a fixed <c>[DllImport]</c> name because it lives in an npm package, not on
/// the loader's search path, and because a deployment may point at another build (a CUDA one) without recompiling.
/// </summary>
internal static unsafe class OrtLibrary
{
    /// <summary>Where <c>./wf setup</c> installs the library, relative to the repository root.</summary>
    public static readonly string NpmRelativePath = Path.Combine("infra", "local", "node_modules", "onnxruntime-node", "bin", "napi-v6", "linux", "x64", "libonnxruntime.so.1");

    // One table per library file for the life of the process: ORT must never be unloaded while any of its objects
    // (or its thread pools) live, and loading and self-testing it once is all that is needed.
    private static readonly ConcurrentDictionary<string, Lazy<OrtApi>> Loaded = new(StringComparer.Ordinal);

    /// <summary>The library file to load: the options, else the environment variable, else the npm copy found upward.</summary>
    public static string Locate(OnnxRuntimeOptions options) =>
        Locate(options, Environment.GetEnvironmentVariable(OnnxRuntimeOptions.LibraryPathVariable), [AppContext.BaseDirectory, Directory.GetCurrentDirectory()]);

    /// <summary><see cref="Locate(OnnxRuntimeOptions)"/> with the variable's value and the search roots given (for tests).</summary>
    internal static string Locate(OnnxRuntimeOptions options, string? variable, IEnumerable<string> searchRoots)
    {
        var (path, source) = !string.IsNullOrWhiteSpace(options.LibraryPath)
            ? (options.LibraryPath, $"the {OnnxRuntimeOptions.SectionName}:libraryPath setting")
            : (variable, OnnxRuntimeOptions.LibraryPathVariable);
        if (!string.IsNullOrWhiteSpace(path))
        {
            // A configured path that is wrong is an error, never a silent fall back to some other copy.
            return File.Exists(path) ? Path.GetFullPath(path)
                : throw new FileNotFoundException($"The ONNX Runtime library named by {source} does not exist: {Path.GetFullPath(path)}.", path);
        }

        var tried = new List<string>();
        foreach (var start in searchRoots)
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, NpmRelativePath);
                if (File.Exists(candidate))
                {
                    return candidate;
                }

                if (!tried.Contains(candidate))
                {
                    tried.Add(candidate);
                }
            }
        }

        throw new FileNotFoundException(
            $"ONNX Runtime's library was not found. Run `./wf setup` (it installs the npm package onnxruntime-node under infra/local), " +
            $"or set {OnnxRuntimeOptions.SectionName}:libraryPath or {OnnxRuntimeOptions.LibraryPathVariable} to a libonnxruntime.so.1. Paths tried:\n  " +
            string.Join("\n  ", tried));
    }

    /// <summary>Loads <paramref name="path"/> once per process, asks for API <see cref="OrtApi.Version"/>, and self-tests the table.</summary>
    public static OrtApi Load(string path) =>
        Loaded.GetOrAdd(path, p => new Lazy<OrtApi>(() => LoadAndVerify(p))).Value;

    private static OrtApi LoadAndVerify(string path)
    {
        var library = NativeLibrary.Load(path);
        var getApiBase = (delegate* unmanaged<void**>)NativeLibrary.GetExport(library, "OrtGetApiBase");
        // OrtApiBase is { GetApi, GetVersionString }, fixed for all time.
        var apiBase = getApiBase();
        var getApi = (delegate* unmanaged<uint, void**>)apiBase[0];
        var getVersionString = (delegate* unmanaged<byte*>)apiBase[1];
        var version = Marshal.PtrToStringUTF8((nint)getVersionString()) ?? "unknown";
        var table = getApi(OrtApi.Version);
        if (table is null)
        {
            throw new NotSupportedException(
                $"The ONNX Runtime library at {path} is version {version}, which does not serve C API version {OrtApi.Version} that this binding needs (ONNX Runtime 1.11 or later).");
        }

        var api = new OrtApi(table, path, version);
        OrtSelfTest.Run(api);
        return api;
    }
}
