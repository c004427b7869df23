using System.Collections;
using System.Collections.Immutable;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Net;
using System.Security;
using BotBottle.Errors;
using BotBottle.Instances;
using BotBottle.Manifest;
using BotBottle.Planning;

namespace BotBottle.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Prepares a bottle instance from an agent: resolves its bottle and env, mints the slug and writes the plan.</para>
/// <para type="description">Writes plan.json and metadata.json to $BOT_BOTTLE_HOME/state/&lt;slug&gt;/ and outputs a Bottle in state Prepared. Nothing runs. Secrets come from -Secret or are asked for without echo; they are never written anywhere.</para>
/// </summary>
[Cmdlet(VerbsCommon.New, "Bottle", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(Bottle))]
public sealed class NewBottleCommand : BotBottleCmdlet
{
    /// <summary>The agent to prepare. Binds from a BottleAgent's Name on the pipeline.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(AgentNameCompleter))]
    public string Agent { get; set; } = string.Empty;

    /// <summary>Bottles to run the agent in, merged left to right; they replace the agent's own bottle. Required for a portable agent.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(BottleNameCompleter))]
    [AllowNull]
    [AllowEmptyCollection]
#pragma warning disable CA1819 // PowerShell binds string[] parameters.
    public string[]? Bottle { get; set; }
#pragma warning restore CA1819

    /// <summary>The backend to use; default: chosen at start.</summary>
    [Parameter]
    [ValidateSet(typeof(BackendNameValues))]
    public string? Backend { get; set; }

    /// <summary>Use this label as the slug instead of minting &lt;agent&gt;-xxxxx.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Label { get; set; }

    /// <summary>The project folder: project agents are read from its .bot-bottle/agents, and it is copied into the bottle's /workspace, owned by the agent user (the CLI's --cwd). Without -Path, agents come from the current location and the workspace starts empty. Nothing is ever mounted; a folder that contains the BotBottle home or is inside it is refused.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>Secret env values by name: SecureString (preferred) or string. Missing ones are asked for.</summary>
    [Parameter]
    public Hashtable? Secret { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var services = GetServices(Path);
        var request = new PrepareRequest
        {
            Agent = Agent,
            Bottles = (Bottle ?? []).Where(b => !string.IsNullOrEmpty(b)).ToImmutableArray(),
            Backend = Backend,
            Label = Label,
            WorkspaceCopy = string.IsNullOrEmpty(Path) ? null : services.Catalog.ProjectDirectory,
        };

        ResolvedRequest resolved;
        Dictionary<string, SecretValue> given;
        try
        {
            resolved = Run((_, _) => Task.FromResult(services.Preparer.Resolve(request)));
            given = ConvertSecrets(Secret);
        }
        catch (Exception ex) when (ex is BotBottleException or OperationCanceledException or AggregateException)
        {
            WriteBotBottleError(ex, Agent);
            return;
        }

        var target = $"{Label ?? Agent + "-<new>"} (agent {Agent} in {string.Join(" → ", resolved.Manifests.Bottle.Chain)})";
        if (!ShouldProcess(target, "Prepare bottle"))
        {
            foreach (var w in resolved.Manifests.Warnings)
            {
                WriteWarning(w.ToString());
            }

            return;
        }

        // Prompts must happen here, on the pipeline thread.
        foreach (var needed in resolved.RequiredSecrets.Where(s => !given.ContainsKey(s.Name)))
        {
            if (PromptForSecret(new SecretRequest(needed.Name, needed.Text, Agent)) is { } value)
            {
                given[needed.Name] = value;
            }
        }

        try
        {
            var source = new DictionarySecretSource(given);
            var prepared = Run((_, ct) => services.Preparer.PrepareAsync(resolved, source, dryRun: false, ct));
            foreach (var w in prepared.Warnings)
            {
                WriteWarning(w);
            }

            // Kept in memory for a Start-Bottle of this instance in this session (New-Bottle | Start-Bottle asks once).
            var required = resolved.RequiredSecrets.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
            PreparedSecrets.Keep(services.Home, prepared.Bottle.Name, prepared.Bottle.Created, given.Where(g => required.Contains(g.Key)).ToDictionary(g => g.Key, g => g.Value, StringComparer.Ordinal));
            WriteObject(prepared.Bottle);
        }
        catch (Exception ex) when (ex is BotBottleException or OperationCanceledException or AggregateException)
        {
            WriteBotBottleError(ex, Label ?? Agent);
        }
    }
}
