using System.Globalization;
using System.Runtime.Versioning;

namespace Workflows.LocalServices;

/// <summary>
/// The operating-system account that runs <c>initdb</c> and <c>postgres</c>. PostgreSQL refuses to run as root,
/// so a root process hands the server to an unprivileged user; any other process runs it as itself.
/// </summary>
/// <param name="UserName">The user to switch to, or null to run as the current user.</param>
/// <param name="Uid">The user's id (the current effective id when <see cref="UserName"/> is null).</param>
/// <param name="Gid">The user's primary group id.</param>
[SupportedOSPlatform("linux")]
internal sealed record ServerAccount(string? UserName, uint Uid, uint Gid)
{
    private static readonly string[] _fallbackUsers = ["postgres", "nobody"];

    /// <summary>Gets a value indicating whether the server runs under another account than this process.</summary>
    public bool SwitchesUser => UserName is not null;

    /// <summary>Gets a name for messages.</summary>
    public string DisplayName => UserName ?? Environment.UserName;

    /// <summary>Picks the account: the current user unless root, else the configured, then the first existing fallback user.</summary>
    public static async Task<ServerAccount> ResolveAsync(string? configuredUser, CancellationToken cancellationToken)
    {
        if (!UnixNative.IsRoot)
        {
            return new ServerAccount(null, 0, 0);
        }

        var configured = configuredUser ?? NullIfEmpty(Environment.GetEnvironmentVariable(EmbeddedPostgresOptions.ServerUserEnvironmentVariable));
        if (configured is not null)
        {
            return await LookUpAsync(configured, cancellationToken).ConfigureAwait(false)
                ?? throw new EmbeddedPostgresException(
                    $"The user '{configured}' configured to run PostgreSQL does not exist. Create it (useradd --system {configured}) or choose another with {EmbeddedPostgresOptions.ServerUserEnvironmentVariable}.");
        }

        foreach (var candidate in _fallbackUsers)
        {
            var account = await LookUpAsync(candidate, cancellationToken).ConfigureAwait(false);
            if (account is not null && account.Uid != 0)
            {
                return account;
            }
        }

        throw new EmbeddedPostgresException(
            "PostgreSQL refuses to run as root and neither a 'postgres' nor a 'nobody' user exists. " +
            $"Create one (useradd --system postgres) or name an existing unprivileged user in {EmbeddedPostgresOptions.ServerUserEnvironmentVariable}.");
    }

    /// <summary>Runs a short-lived command as this account.</summary>
    public async Task<CommandRunner.Result> RunAsync(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment, CancellationToken cancellationToken) =>
        await CommandRunner.RunAsync(fileName, arguments, UserName, environment, cancellationToken).ConfigureAwait(false);

    /// <summary>True when this account can create files in <paramref name="directory"/> (every parent traversable, the directory writable).</summary>
    public async Task<bool> CanWriteAsync(string directory, CancellationToken cancellationToken)
    {
        var result = await RunAsync("/bin/sh", ["-c", "test -d \"$1\" && test -w \"$1\" && test -x \"$1\"", "sh", directory], null, cancellationToken).ConfigureAwait(false);
        return result.Succeeded;
    }

    /// <summary>Gives <paramref name="path"/> to this account when the server runs under another user.</summary>
    public void TakeOwnership(string path)
    {
        if (SwitchesUser)
        {
            UnixNative.ChangeOwner(path, Uid, Gid);
        }
    }

    /// <summary>Gives <paramref name="directory"/> and everything below it to this account (links are not followed).</summary>
    public void TakeOwnershipRecursively(string directory)
    {
        if (!SwitchesUser)
        {
            return;
        }

        UnixNative.ChangeOwner(directory, Uid, Gid);
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false };
        foreach (var entry in Directory.EnumerateFileSystemEntries(directory, "*", options))
        {
            UnixNative.ChangeOwner(entry, Uid, Gid);
        }
    }

    private static async Task<ServerAccount?> LookUpAsync(string userName, CancellationToken cancellationToken)
    {
        // `id` goes through NSS, so users from LDAP or systemd-homed resolve as well as /etc/passwd ones.
        var uid = await CommandRunner.RunAsync("id", ["-u", userName], null, null, cancellationToken).ConfigureAwait(false);
        var gid = await CommandRunner.RunAsync("id", ["-g", userName], null, null, cancellationToken).ConfigureAwait(false);
        if (!uid.Succeeded || !gid.Succeeded)
        {
            return null;
        }

        return new ServerAccount(
            userName,
            uint.Parse(uid.Output.Trim(), CultureInfo.InvariantCulture),
            uint.Parse(gid.Output.Trim(), CultureInfo.InvariantCulture));
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
