using System.Net;

namespace Workflows.Orchestrations.Artifacts;

/// <summary>
/// Thrown when a remote artifact store refuses a request. Carries the HTTP status, the service's error code
/// (Azure's <c>x-ms-error-code</c>, such as <c>AuthenticationFailed</c>) and the request path, so callers can branch
/// on them and people can see what was refused.
/// </summary>
public sealed class ArtifactStoreException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="ArtifactStoreException"/> class.</summary>
    public ArtifactStoreException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ArtifactStoreException"/> class with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public ArtifactStoreException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ArtifactStoreException"/> class with a message and a cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The failure that caused this one.</param>
    public ArtifactStoreException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ArtifactStoreException"/> class for a refused request.</summary>
    /// <param name="message">What went wrong, including the service's own explanation.</param>
    /// <param name="statusCode">The HTTP status of the response.</param>
    /// <param name="errorCode">The service's error code, when it sent one.</param>
    /// <param name="requestPath">The path of the refused request's URL.</param>
    public ArtifactStoreException(string message, HttpStatusCode statusCode, string? errorCode, string requestPath)
        : base(message)
    {
        StatusCode = statusCode;
        ErrorCode = errorCode;
        RequestPath = requestPath;
    }

    /// <summary>Gets the HTTP status of the refused request; null when the failure was not a response.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>Gets the service's error code (for Azure, the <c>x-ms-error-code</c> header), when it sent one.</summary>
    public string? ErrorCode { get; }

    /// <summary>Gets the path of the refused request's URL (for Azure, <c>/account/container/blob</c> or <c>/container/blob</c>).</summary>
    public string? RequestPath { get; }
}
