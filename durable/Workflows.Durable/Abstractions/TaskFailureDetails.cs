using System.Text.Json.Serialization;

namespace Workflows.Durable;

/// <summary>A failure as data, so it can cross process boundaries and be stored in history.</summary>
/// <param name="ErrorType">The full name of the exception type.</param>
/// <param name="ErrorMessage">The exception message.</param>
/// <param name="StackTrace">The stack trace where the failure was raised, if known.</param>
/// <param name="InnerFailure">The failure that caused this one, if any.</param>
public sealed record TaskFailureDetails(
    string ErrorType,
    string ErrorMessage,
    string? StackTrace,
    TaskFailureDetails? InnerFailure = null)
{
    /// <summary>Builds failure details from an exception and its inner exceptions.</summary>
    public static TaskFailureDetails FromException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is TaskFailedException taskFailed)
        {
            // Keep the failing task's own details as the cause, so callers can branch on the root error type.
            return new(exception.GetType().FullName!, exception.Message, exception.StackTrace, taskFailed.FailureDetails);
        }

        var inner = exception.InnerException is null ? null : FromException(exception.InnerException);
        return new(exception.GetType().FullName!, exception.Message, exception.StackTrace, inner);
    }

    /// <summary>
    /// Whether this failure, or the failure it wraps, was caused by an exception of type
    /// <typeparamref name="TException"/> or a type derived from it.
    /// </summary>
    public bool IsCausedBy<TException>() where TException : Exception
    {
        for (var failure = this; failure is not null; failure = failure.InnerFailure)
        {
            var type = ResolveType(failure.ErrorType);
            if (type is not null ? type.IsAssignableTo(typeof(TException)) : failure.ErrorType == typeof(TException).FullName)
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc />
    public override string ToString() =>
        InnerFailure is null ? $"{ErrorType}: {ErrorMessage}" : $"{ErrorType}: {ErrorMessage} ---> {InnerFailure}";

    [JsonIgnore]
    internal string Summary => $"{ErrorType}: {ErrorMessage}";

    private static Type? ResolveType(string fullName)
    {
        var type = Type.GetType(fullName, throwOnError: false);
        if (type is not null)
        {
            return type;
        }

        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            type = assembly.GetType(fullName, throwOnError: false);
            if (type is not null)
            {
                return type;
            }
        }

        return null;
    }
}
