namespace BotBottle.Backends.Docker.Engine;

/// <summary>Reading labels from the library's models, whose label maps are <see cref="IDictionary{TKey, TValue}"/> and may be absent.</summary>
internal static class LabelExtensions
{
    /// <summary>The value of label <paramref name="key"/>, or <see langword="null"/> when the map is absent or lacks it.</summary>
    public static string? Label(this IDictionary<string, string>? labels, string key) =>
        labels is not null && labels.TryGetValue(key, out var value) ? value : null;
}
