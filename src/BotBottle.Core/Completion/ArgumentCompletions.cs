using BotBottle.Configuration;
using BotBottle.Instances;
using BotBottle.Manifest;
using BotBottle.Planning;
using BotBottle.Proposals;

namespace BotBottle.Completion;

/// <summary>One completion: the value to insert and a one-line tooltip.</summary>
/// <param name="Value">The text completed (an agent name, a bottle slug, a proposal id, a backend).</param>
/// <param name="ToolTip">What it is, e.g. <c>reviewer (Running)</c> or <c>Pending: allow other.test</c>.</param>
public sealed record CompletionItem(string Value, string ToolTip);

/// <summary>
/// Tab-completion values for names and ids, shared by the PowerShell argument completers and the CLI. Every source
/// reads only local state — manifest file names, the bottles' <c>metadata.json</c> files, the proposal store — and
/// never contacts an engine or a VM, so completion stays fast and works with no backend running. Matching is a
/// case-insensitive prefix match; <see langword="null"/> or empty matches everything. No source throws: unreadable
/// state yields fewer completions, never an error at the prompt.
/// </summary>
public static class ArgumentCompletions
{
    /// <summary>Agents visible from the project folder of <paramref name="catalog"/> (home and project agents), in name order.</summary>
    public static IReadOnlyList<CompletionItem> AgentNames(ManifestCatalog catalog, string? prefix)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return Guard(() => catalog.AgentNames().Where(n => Matches(n, prefix)).Select(n => new CompletionItem(n, $"agent {n}")).ToList());
    }

    /// <summary>Bottle definitions in the home's <c>bottles/</c> folder, in name order.</summary>
    public static IReadOnlyList<CompletionItem> BottleDefinitions(ManifestCatalog catalog, string? prefix)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return Guard(() => catalog.BottleNames().Where(n => Matches(n, prefix)).Select(n => new CompletionItem(n, $"bottle definition {n}")).ToList());
    }

    /// <summary>Bottle instances (slugs) of <paramref name="home"/>, tooltip <c>agent (recorded state)</c>.</summary>
    public static IReadOnlyList<CompletionItem> BottleSlugs(BotBottleHome home, string? prefix)
    {
        ArgumentNullException.ThrowIfNull(home);
        var store = new InstanceStore(home);
        return Guard(() => store.Slugs().Where(s => Matches(s, prefix)).Select(s => new CompletionItem(s, SlugToolTip(store, s))).ToList());
    }

    /// <summary>
    /// Proposal ids, pending first, then newest first; tooltip <c>State: summary</c>. Reads the home's proposal store
    /// and, without importing them, the proposals sidecars have filed since (each bottle's
    /// <c>proposals/pending</c> exchange folder), so a proposal completes before anything has listed it.
    /// </summary>
    public static IReadOnlyList<CompletionItem> ProposalIds(BotBottleHome home, string? prefix)
    {
        ArgumentNullException.ThrowIfNull(home);
        var db = ProposalService.DatabasePath(home);
        var stored = File.Exists(db) ? Guard(() => new ProposalStore(db).List()) : [];
        var filed = Guard(() => new InstanceStore(home).Slugs()
            .SelectMany(slug => new ProposalExchange(home.InstanceDirectory(slug)).ReadPending())
            .ToList());
        var known = stored.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        return [.. stored.Concat(filed.Where(p => !known.Contains(p.Id)))
            .Where(p => Matches(p.Id, prefix))
            .OrderBy(p => p.State == ProposalState.Pending ? 0 : 1)
            .ThenByDescending(p => p.FiledAt)
            .Select(p => new CompletionItem(p.Id, $"{p.State}: {p.Summary}"))];
    }

    /// <summary>The backend names (<see cref="BottlePreparer.Backends"/>).</summary>
    public static IReadOnlyList<CompletionItem> Backends(string? prefix) =>
        [.. BottlePreparer.Backends.Where(b => Matches(b, prefix)).Select(b => new CompletionItem(b, $"{b} backend"))];

    private static bool Matches(string value, string? prefix) => string.IsNullOrEmpty(prefix) || value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase);

    private static bool Unreadable(Exception ex) =>
        ex is IOException or UnauthorizedAccessException or Errors.BotBottleException or Microsoft.Data.Sqlite.SqliteException or System.Text.Json.JsonException;

    private static IReadOnlyList<T> Guard<T>(Func<IReadOnlyList<T>> read)
    {
        try
        {
            return read();
        }
        catch (Exception ex) when (Unreadable(ex))
        {
            return [];
        }
    }

    private static string SlugToolTip(InstanceStore store, string slug)
    {
        try
        {
            return store.TryLoad(slug) is { } record ? $"{record.Plan.Agent.Name} ({record.Metadata.State})" : slug;
        }
        catch (Exception ex) when (Unreadable(ex))
        {
            return slug;
        }
    }
}
