namespace Workflows.LocalServices;

/// <summary>
/// Thrown when the embedded PostgreSQL server cannot be set up, started or stopped. The message says what
/// went wrong and how to fix it, and carries the tail of the relevant tool or server output.
/// </summary>
public sealed class EmbeddedPostgresException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="EmbeddedPostgresException"/> class.</summary>
    public EmbeddedPostgresException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="EmbeddedPostgresException"/> class with a message.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    public EmbeddedPostgresException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="EmbeddedPostgresException"/> class with a message and a cause.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    /// <param name="innerException">The failure that caused this one.</param>
    public EmbeddedPostgresException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
