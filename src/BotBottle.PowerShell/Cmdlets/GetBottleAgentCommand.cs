using System.Management.Automation;
using BotBottle.Errors;
using BotBottle.Manifest;

namespace BotBottle.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Lists agents (home and project) with their bottle, provider and source; with -Bottle, the bottle definitions.</para>
/// <para type="description">Names are matched against file names before anything is parsed; only the matching agents and their bottle chains are read. With -Bottle the home's bottle definitions are listed instead (each merged through its extends chain: provider, route hosts, secret names, git-gate repositories; never a secret's value).</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "BottleAgent", DefaultParameterSetName = AgentsSet)]
[OutputType(typeof(BottleAgent), ParameterSetName = [AgentsSet])]
[OutputType(typeof(BottleSummary), ParameterSetName = [BottlesSet])]
public sealed class GetBottleAgentCommand : BotBottleCmdlet
{
    private const string AgentsSet = "Agents";
    private const string BottlesSet = "Bottles";

    /// <summary>List the bottle definitions of the home's <c>bottles/</c> folder instead of agents; -Name then matches bottle names.</summary>
    [Parameter(Mandatory = true, ParameterSetName = BottlesSet)]
    public SwitchParameter Bottle { get; set; }

    /// <summary>Agent names (bottle names with -Bottle); wildcards allowed. Default: all.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(AgentOrBottleNameCompleter))]
#pragma warning disable CA1819 // PowerShell binds string[] parameters.
    public string[]? Name { get; set; }
#pragma warning restore CA1819

    /// <summary>The project folder whose .bot-bottle/agents to include (default: the current location).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var services = GetServices(Path);
        var patterns = Name?.Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToList();
        if (Bottle)
        {
            WriteBottles(services, patterns);
            return;
        }

        var agents = Run((_, _) => Task.FromResult(services.Catalog.GetAgents(n => patterns is null || patterns.Any(p => p.IsMatch(n)))));
        WriteListing(services, agents, a => a.Name, a => a.IsValid,
            a => $"Agent '{a.Name}' ({a.Path}) or its bottle chain has manifest errors; run Test-BottleManifest.",
            literal => new BotBottleException("AgentNotFound", BotBottleErrorCategory.ObjectNotFound,
                $"No agent '{literal}' in {services.Home.AgentsDirectory} or {services.Catalog.ProjectAgentsDirectory}.") { TargetObject = literal });
    }

    private void WriteBottles(BotBottleServices services, List<WildcardPattern>? patterns)
    {
        var bottles = Run((_, _) => Task.FromResult(services.Catalog.GetBottles(n => patterns is null || patterns.Any(p => p.IsMatch(n)))));
        WriteListing(services, bottles, b => b.Name, b => b.IsValid,
            b => $"Bottle '{b.Name}' ({b.Path}) or its extends chain has manifest errors; run Test-BottleManifest.",
            literal => new BotBottleException("BottleNotFound", BotBottleErrorCategory.ObjectNotFound,
                $"No bottle '{literal}' in {services.Home.BottlesDirectory}.") { TargetObject = literal });
    }

    /// <summary>
    /// Writes the layout warnings, then each item (with a warning when it is invalid), then one non-terminating error
    /// per literal -Name that matched none of them.
    /// </summary>
    private void WriteListing<T>(BotBottleServices services, IReadOnlyList<T> items, Func<T, string> name, Func<T, bool> isValid, Func<T, string> invalidWarning, Func<string, BotBottleException> notFound)
    {
        foreach (var w in services.Catalog.LayoutWarnings())
        {
            WriteWarning(w.ToString());
        }

        foreach (var item in items)
        {
            if (!isValid(item))
            {
                WriteWarning(invalidWarning(item));
            }

            WriteObject(item);
        }

        foreach (var literal in (Name ?? []).Where(n => !WildcardPattern.ContainsWildcardCharacters(n)))
        {
            if (!items.Any(i => string.Equals(name(i), literal, StringComparison.OrdinalIgnoreCase)))
            {
                WriteBotBottleError(notFound(literal), literal);
            }
        }
    }
}
