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
        foreach (var w in services.Catalog.LayoutWarnings())
        {
            WriteWarning(w.ToString());
        }

        foreach (var agent in agents)
        {
            if (!agent.IsValid)
            {
                WriteWarning($"Agent '{agent.Name}' ({agent.Path}) or its bottle chain has manifest errors; run Test-BottleManifest.");
            }

            WriteObject(agent);
        }

        foreach (var literal in (Name ?? []).Where(n => !WildcardPattern.ContainsWildcardCharacters(n)))
        {
            if (!agents.Any(a => string.Equals(a.Name, literal, StringComparison.OrdinalIgnoreCase)))
            {
                WriteBotBottleError(new BotBottleException("AgentNotFound", BotBottleErrorCategory.ObjectNotFound,
                    $"No agent '{literal}' in {services.Home.AgentsDirectory} or {services.Catalog.ProjectAgentsDirectory}.") { TargetObject = literal }, literal);
            }
        }
    }

    private void WriteBottles(BotBottleServices services, List<WildcardPattern>? patterns)
    {
        var bottles = Run((_, _) => Task.FromResult(services.Catalog.GetBottles(n => patterns is null || patterns.Any(p => p.IsMatch(n)))));
        foreach (var w in services.Catalog.LayoutWarnings())
        {
            WriteWarning(w.ToString());
        }

        foreach (var bottle in bottles)
        {
            if (!bottle.IsValid)
            {
                WriteWarning($"Bottle '{bottle.Name}' ({bottle.Path}) or its extends chain has manifest errors; run Test-BottleManifest.");
            }

            WriteObject(bottle);
        }

        foreach (var literal in (Name ?? []).Where(n => !WildcardPattern.ContainsWildcardCharacters(n)))
        {
            if (!bottles.Any(b => string.Equals(b.Name, literal, StringComparison.OrdinalIgnoreCase)))
            {
                WriteBotBottleError(new BotBottleException("BottleNotFound", BotBottleErrorCategory.ObjectNotFound,
                    $"No bottle '{literal}' in {services.Home.BottlesDirectory}.") { TargetObject = literal }, literal);
            }
        }
    }
}
