using Xunit;

namespace Workflows.Testing;

/// <summary>Bounds how long a test waits.</summary>
public static class TestTimeout
{
    /// <summary>A token that ends the test's waiting after <paramref name="timeout"/> or when xunit cancels the test.</summary>
    public static CancellationTokenSource Start(TimeSpan timeout)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        source.CancelAfter(timeout);
        return source;
    }
}
