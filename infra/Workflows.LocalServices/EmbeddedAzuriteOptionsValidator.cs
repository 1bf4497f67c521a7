using Microsoft.Extensions.Options;

namespace Workflows.LocalServices;

/// <summary>Validates <see cref="EmbeddedAzuriteOptions"/>; usable with <c>ValidateOnStart</c> and called by <see cref="EmbeddedAzurite.StartAsync"/>.</summary>
public sealed class EmbeddedAzuriteOptionsValidator : IValidateOptions<EmbeddedAzuriteOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, EmbeddedAzuriteOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            failures.Add($"{nameof(options.DataDirectory)} is required.");
        }

        if (string.IsNullOrWhiteSpace(options.NodeExecutable))
        {
            failures.Add($"{nameof(options.NodeExecutable)} is required.");
        }

        if (options.Port is < 0 or > 65535)
        {
            failures.Add($"{nameof(options.Port)} must be between 0 and 65535 (0 picks a free port), not {options.Port}.");
        }

        if (options.StartTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(options.StartTimeout)} must be positive.");
        }

        if (options.StopTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(options.StopTimeout)} must be positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
