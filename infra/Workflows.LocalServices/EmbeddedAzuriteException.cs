namespace Workflows.LocalServices;

/// <summary>
/// Thrown when the embedded Azurite blob service cannot be started. The message says what went wrong and how to
/// fix it, and carries the tail of Azurite's log when it got that far.
/// </summary>
public sealed class EmbeddedAzuriteException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="EmbeddedAzuriteException"/> class.</summary>
    public EmbeddedAzuriteException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="EmbeddedAzuriteException"/> class with a message.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    public EmbeddedAzuriteException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="EmbeddedAzuriteException"/> class with a message and a cause.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    /// <param name="innerException">The failure that caused this one.</param>
    public EmbeddedAzuriteException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
