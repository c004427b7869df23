using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using BotBottle.Completion;
using BotBottle.Configuration;

namespace BotBottle.PowerShell.Cmdlets;

/// <summary>
/// Base of BotBottle's argument completers: turns <see cref="ArgumentCompletions"/> items (local state only, never
/// an engine) into <see cref="CompletionResult"/>s, quoting values that need it.
/// </summary>
public abstract class BotBottleCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
        foreach (var item in Items(prefix, fakeBoundParameters))
        {
            var text = item.Value.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or '$' or '`') ? $"'{item.Value.Replace("'", "''", StringComparison.Ordinal)}'" : item.Value;
            yield return new CompletionResult(text, item.Value, CompletionResultType.ParameterValue, item.ToolTip);
        }
    }

    /// <summary>The items matching <paramref name="prefix"/>.</summary>
    /// <param name="prefix">What the user typed so far, without quotes.</param>
    /// <param name="fakeBoundParameters">The parameters bound so far (e.g. <c>-Path</c>, which selects the project).</param>
    protected abstract IReadOnlyList<CompletionItem> Items(string prefix, IDictionary? fakeBoundParameters);

    /// <summary>The catalog for the project the user named with <c>-Path</c> (else the process's current directory); null when it cannot be built.</summary>
    protected static Manifest.ManifestCatalog? Catalog(IDictionary? fakeBoundParameters)
    {
        var project = fakeBoundParameters?["Path"] as string;
        try
        {
            return BotBottleServices.FromEnvironment(string.IsNullOrEmpty(project) ? null : System.IO.Path.GetFullPath(project)).Catalog;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}

/// <summary>Completes agent names (home and project agents) from manifest file names.</summary>
public sealed class AgentNameCompleter : BotBottleCompleter
{
    /// <inheritdoc />
    protected override IReadOnlyList<CompletionItem> Items(string prefix, IDictionary? fakeBoundParameters) =>
        Catalog(fakeBoundParameters) is { } c ? ArgumentCompletions.AgentNames(c, prefix) : [];
}

/// <summary>Get-BottleAgent's -Name: agent names, or bottle definition names once -Bottle is on the command line.</summary>
public sealed class AgentOrBottleNameCompleter : BotBottleCompleter
{
    /// <inheritdoc />
    protected override IReadOnlyList<CompletionItem> Items(string prefix, IDictionary? fakeBoundParameters) =>
        Catalog(fakeBoundParameters) is not { } c ? []
        : fakeBoundParameters?["Bottle"] is SwitchParameter { IsPresent: true } or true ? ArgumentCompletions.BottleDefinitions(c, prefix)
        : ArgumentCompletions.AgentNames(c, prefix);
}

/// <summary>Completes bottle definition names from the home's <c>bottles/</c> folder.</summary>
public sealed class BottleNameCompleter : BotBottleCompleter
{
    /// <inheritdoc />
    protected override IReadOnlyList<CompletionItem> Items(string prefix, IDictionary? fakeBoundParameters) =>
        Catalog(fakeBoundParameters) is { } c ? ArgumentCompletions.BottleDefinitions(c, prefix) : [];
}

/// <summary>Completes bottle instance names (slugs) from the home's state folders.</summary>
public sealed class BottleInstanceCompleter : BotBottleCompleter
{
    /// <inheritdoc />
    protected override IReadOnlyList<CompletionItem> Items(string prefix, IDictionary? fakeBoundParameters) =>
        ArgumentCompletions.BottleSlugs(BotBottleHome.FromEnvironment(), prefix);
}

/// <summary>Completes backend names.</summary>
public sealed class BackendNameCompleter : BotBottleCompleter
{
    /// <inheritdoc />
    protected override IReadOnlyList<CompletionItem> Items(string prefix, IDictionary? fakeBoundParameters) => ArgumentCompletions.Backends(prefix);
}

/// <summary>Completes proposal ids from the local store (pending first).</summary>
public sealed class ProposalIdCompleter : BotBottleCompleter
{
    /// <inheritdoc />
    protected override IReadOnlyList<CompletionItem> Items(string prefix, IDictionary? fakeBoundParameters) =>
        ArgumentCompletions.ProposalIds(BotBottleHome.FromEnvironment(), prefix);
}
