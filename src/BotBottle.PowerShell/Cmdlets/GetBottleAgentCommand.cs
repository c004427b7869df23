using System.Management.Automation;
using BotBottle.Errors;
using BotBottle.Manifest;

namespace BotBottle.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Lists agents (home and project) with their bottle, provider and source.</para>
/// <para type="description">Names are matched against file names before anything is parsed; only the matching agents and their bottle chains are read.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "BottleAgent")]
[OutputType(typeof(BottleAgent))]
public sealed class GetBottleAgentCommand : BotBottleCmdlet
{
    /// <summary>Agent names; wildcards allowed. Default: all.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(AgentNameCompleter))]
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
}
