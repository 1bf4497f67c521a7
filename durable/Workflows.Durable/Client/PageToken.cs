using System.Globalization;
using System.Text;

namespace Workflows.Durable;

/// <summary>Keyset paging tokens: the creation time and id of the last instance on the page.</summary>
internal static class PageToken
{
    public static string Create(DateTime createdAt, string instanceId) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{createdAt.ToUniversalTime().Ticks}|{instanceId}"));

    public static (DateTime CreatedAt, string InstanceId) Parse(string token)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            var separator = text.IndexOf('|', StringComparison.Ordinal);
            return (new DateTime(long.Parse(text[..separator], CultureInfo.InvariantCulture), DateTimeKind.Utc), text[(separator + 1)..]);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentOutOfRangeException or OverflowException)
        {
            throw new ArgumentException($"The continuation token '{token}' is not one this service issued.", nameof(token), ex);
        }
    }
}
