using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace BotBottle.Serialization;

/// <summary>Reading the sidecar's append-only JSON-lines files (one object per line; JSON Lines, https://jsonlines.org/).</summary>
public static class JsonLines
{
    /// <summary>
    /// Parses one line as <typeparamref name="T"/>; <see langword="null"/> when it is blank, not JSON (e.g. a line still
    /// being written or a damaged one), or fails <paramref name="complete"/> (a required member missing).
    /// </summary>
    public static T? TryParse<T>(string line, JsonTypeInfo<T> typeInfo, Func<T, bool> complete)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        ArgumentNullException.ThrowIfNull(complete);
        if (string.IsNullOrWhiteSpace(line))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(line, typeInfo) is { } r && complete(r) ? r : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
