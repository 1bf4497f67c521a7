using Microsoft.Extensions.Options;

namespace Workflows.LocalServices;

/// <summary>Validates <see cref="EmbeddedPostgresOptions"/>; usable with <c>ValidateOnStart</c> and called by <see cref="EmbeddedPostgres.StartAsync"/>.</summary>
public sealed class EmbeddedPostgresOptionsValidator : IValidateOptions<EmbeddedPostgresOptions>
{
    /// <summary>Settings the launcher sets itself: the server must listen on loopback TCP only and never need a socket directory.</summary>
    internal static readonly IReadOnlySet<string> ReservedSettings =
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "listen_addresses", "port", "unix_socket_directories" };

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, EmbeddedPostgresOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            failures.Add($"{nameof(options.DataDirectory)} is required.");
        }

        if (options.Port is < 0 or > 65535)
        {
            failures.Add($"{nameof(options.Port)} must be between 0 and 65535 (0 picks a free port), not {options.Port}.");
        }

        if (string.IsNullOrWhiteSpace(options.Database))
        {
            failures.Add($"{nameof(options.Database)} is required.");
        }

        if (string.IsNullOrWhiteSpace(options.SuperUser))
        {
            failures.Add($"{nameof(options.SuperUser)} is required.");
        }

        if (options.StartTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(options.StartTimeout)} must be positive.");
        }

        if (options.StopTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(options.StopTimeout)} must be positive.");
        }

        foreach (var key in options.ServerSettings.Keys)
        {
            if (ReservedSettings.Contains(key))
            {
                failures.Add($"{nameof(options.ServerSettings)} may not set '{key}': the launcher owns it.");
            }
            else if (key.Length == 0 || !key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.'))
            {
                failures.Add($"{nameof(options.ServerSettings)} has an invalid setting name '{key}'.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
