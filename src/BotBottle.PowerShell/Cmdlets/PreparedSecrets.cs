using System.Collections.Concurrent;
using BotBottle.Configuration;
using BotBottle.Planning;

namespace BotBottle.PowerShell.Cmdlets;

/// <summary>
/// The secret values <c>New-Bottle</c> resolved (from <c>-Secret</c>, the environment or a prompt), kept in this
/// process's memory only until <c>Start-Bottle</c> launches that bottle, so <c>New-Bottle | Start-Bottle</c> asks for
/// each secret once (PRODUCT.md §4: prepare resolves env). Nothing is written anywhere. An entry belongs to one
/// prepared instance — the home, the bottle name and the instance's creation time — so a later instance with the same
/// name (prepared by the CLI, or after <c>Remove-Bottle</c>) never receives it. Entries are dropped when the bottle
/// starts or is removed; the rest go with the PowerShell process.
/// </summary>
internal static class PreparedSecrets
{
    private static readonly ConcurrentDictionary<(string Home, string Name), (DateTimeOffset CreatedAt, Dictionary<string, SecretValue> Values)> Entries = new();

    /// <summary>Keeps <paramref name="values"/> for the instance <paramref name="name"/> created at <paramref name="createdAt"/>.</summary>
    public static void Keep(BotBottleHome home, string name, DateTimeOffset createdAt, IReadOnlyDictionary<string, SecretValue> values)
    {
        if (values.Count > 0)
        {
            Entries[(Path.GetFullPath(home.Root), name)] = (createdAt, new Dictionary<string, SecretValue>(values, StringComparer.Ordinal));
        }
    }

    /// <summary>The values kept for this instance (empty when none, or when they belong to an earlier instance of the name).</summary>
    public static IReadOnlyDictionary<string, SecretValue> For(BotBottleHome home, string name, DateTimeOffset createdAt) =>
        Entries.TryGetValue((Path.GetFullPath(home.Root), name), out var e) && e.CreatedAt == createdAt ? e.Values : new Dictionary<string, SecretValue>();

    /// <summary>Forgets the values kept for <paramref name="name"/> (started or removed).</summary>
    public static void Forget(BotBottleHome home, string name) => Entries.TryRemove((Path.GetFullPath(home.Root), name), out _);
}
