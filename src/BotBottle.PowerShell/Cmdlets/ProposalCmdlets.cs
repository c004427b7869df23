using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Text.Json;
using BotBottle.Configuration;
using BotBottle.Errors;
using BotBottle.Instances;
using BotBottle.Policy;
using BotBottle.Proposals;

namespace BotBottle.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Lists proposals: what agents and sidecars asked the operator, pending and decided.</para>
/// <para type="description">Imports whatever sidecars filed since the last look, finishes any decision a crash interrupted, and outputs BottleProposal objects oldest first. Decided proposals stay queryable for audit.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "BottleProposal")]
[OutputType(typeof(BottleProposal))]
public sealed class GetBottleProposalCommand : BotBottleCmdlet
{
    /// <summary>Only proposals of these bottles (wildcards allowed).</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(BottleInstanceCompleter))]
    public string? BottleName { get; set; }

    /// <summary>Only proposals in this state.</summary>
    [Parameter]
    [ValidateSet(typeof(ProposalStateValues))]
    public string? State { get; set; }

    /// <summary>Only proposals of this kind.</summary>
    [Parameter]
    [ValidateSet(typeof(ProposalKindValues))]
    public string? Kind { get; set; }

    /// <summary>Only this proposal (wildcards allowed).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ProposalIdCompleter))]
    public string? Id { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        try
        {
            var services = GetServices();
            var list = services.Proposals.List(new ProposalQuery { BottleName = BottleName, State = ValueSet.Parse<ProposalState>(State), Kind = ValueSet.Parse<ProposalKind>(Kind), Id = Id });
            if (list.Count == 0 && Id is not null && !WildcardPattern.ContainsWildcardCharacters(Id))
            {
                WriteBotBottleError(new BotBottleException("ProposalNotFound", BotBottleErrorCategory.ObjectNotFound, $"There is no proposal '{Id}'.") { Recommended = RecommendedAction.ListProposals }, Id);
                return;
            }

            foreach (var p in list)
            {
                WriteObject(p);
            }
        }
        catch (BotBottleException ex)
        {
            WriteBotBottleError(ex, BottleName ?? Id);
        }
    }
}

/// <summary>Base of the two deciding cmdlets: a proposal from the pipeline or by id.</summary>
public abstract class DecideProposalCmdlet : BotBottleCmdlet
{
    /// <summary>Parameter set of <see cref="InputObject"/>.</summary>
    protected const string ByInput = "ByInput";

    /// <summary>Parameter set of <see cref="Id"/>.</summary>
    protected const string ById = "ById";

    /// <summary>Proposals from the pipeline (Get-BottleProposal).</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByInput, ValueFromPipeline = true)]
    [ValidateNotNull]
    public BottleProposal? InputObject { get; set; }

    /// <summary>The proposal id.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ById, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ProposalIdCompleter))]
    public string Id { get; set; } = string.Empty;

    /// <summary>Output the decided proposal.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>The id this record targets.</summary>
    protected string TargetId => ParameterSetName == ByInput ? InputObject!.Id : Id;
}

/// <summary>
/// <para type="synopsis">Approves pending proposals; an egress change takes effect in the running bottle at once.</para>
/// <para type="description">Records the decision (exactly once: of two operators deciding the same proposal at once, one wins and the other gets ProposalNotPending), applies it — for egress-allow the routes are merged into the bottle's live routes, which its sidecar reloads without a restart — and answers the waiting agent. With -Route the operator approves a changed set of routes (state Modified). egress-token-allow and gitleaks-allow need -Reason and cannot be modified.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Approve, "BottleProposal", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ById)]
[OutputType(typeof(BottleProposal))]
public sealed class ApproveBottleProposalCommand : DecideProposalCmdlet
{
    /// <summary>Why (required for egress-token-allow and gitleaks-allow); the agent reads it.</summary>
    [Parameter]
    public string? Reason { get; set; }

    /// <summary>
    /// Approve these routes instead of the proposed ones: YAML or JSON text (a routes file, or a list), or
    /// hashtables in the manifest's route schema (@{ host = 'api.example.com'; matches = @(@{ methods = @('GET') }) }).
    /// </summary>
    [Parameter]
    [ValidateNotNull]
#pragma warning disable CA1819 // PowerShell binds arrays.
    public object[]? Route { get; set; }
#pragma warning restore CA1819

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var id = TargetId;
        try
        {
            var modified = Route is null ? null : RoutesText(Route);
            if (!ShouldProcess(id, modified is null ? "Approve proposal" : "Approve proposal with modified routes"))
            {
                return;
            }

            var services = GetServices();
            var decided = Run((_, _) => Task.FromResult(services.Proposals.Approve(id, Reason, modified)));
            if (PassThru)
            {
                WriteObject(decided);
            }
        }
        catch (Exception ex) when (ex is BotBottleException or JsonException)
        {
            WriteBotBottleError(ex, id);
        }
    }

    /// <summary>Turns -Route values into proposed-routes text: text as given, or hashtables as a JSON routes file (JSON is YAML).</summary>
    internal static string RoutesText(object[] values)
    {
        var items = values.Select(v => v is PSObject pso ? pso.BaseObject : v).ToList();
        if (items.Count == 1 && items[0] is string text)
        {
            return text; // any shape ParseProposed accepts
        }

        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartArray();
            foreach (var item in items)
            {
                WriteValue(w, item);
            }

            w.WriteEndArray();
        }

        return "routes: " + System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }

    private static void WriteValue(Utf8JsonWriter w, object? value)
    {
        switch (value is PSObject pso ? pso.BaseObject : value)
        {
            case null:
                w.WriteNullValue();
                break;
            case string s:
                w.WriteStringValue(s);
                break;
            case bool b:
                w.WriteBooleanValue(b);
                break;
            case int or long or double or decimal:
                w.WriteRawValue(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!);
                break;
            case IDictionary d:
                w.WriteStartObject();
                foreach (DictionaryEntry e in d)
                {
                    w.WritePropertyName(e.Key.ToString()!);
                    WriteValue(w, e.Value);
                }

                w.WriteEndObject();
                break;
            case IEnumerable list:
                w.WriteStartArray();
                foreach (var x in list)
                {
                    WriteValue(w, x);
                }

                w.WriteEndArray();
                break;
            default:
                throw new BotBottleException("InvalidRequest", BotBottleErrorCategory.InvalidArgument, $"-Route values must be text, hashtables, lists, strings, numbers or booleans, not {value!.GetType().Name}.");
        }
    }
}

/// <summary>
/// <para type="synopsis">Denies pending proposals with a reason; policy does not change.</para>
/// <para type="description">Records the decision exactly once and answers the waiting agent or sidecar with the reason; a held request or push is refused.</para>
/// </summary>
[Cmdlet("Deny", "BottleProposal", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = ById)]
[OutputType(typeof(BottleProposal))]
public sealed class DenyBottleProposalCommand : DecideProposalCmdlet
{
    /// <summary>Why; the agent reads it.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Reason { get; set; } = string.Empty;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var id = TargetId;
        if (!ShouldProcess(id, "Deny proposal"))
        {
            return;
        }

        try
        {
            var services = GetServices();
            var decided = Run((_, _) => Task.FromResult(services.Proposals.Deny(id, Reason)));
            if (PassThru)
            {
                WriteObject(decided);
            }
        }
        catch (BotBottleException ex)
        {
            WriteBotBottleError(ex, id);
        }
    }
}

/// <summary>
/// <para type="synopsis">Waits until a new pending proposal arrives and outputs it (for runbooks).</para>
/// <para type="description">Blocks until a proposal matching the filters is filed after the call started; Ctrl+C stops it; -Timeout bounds it (WaitTimeout).</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Wait, "BottleProposal")]
[OutputType(typeof(BottleProposal))]
public sealed class WaitBottleProposalCommand : BotBottleCmdlet
{
    /// <summary>Only proposals of these bottles (wildcards allowed).</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(BottleInstanceCompleter))]
    public string? BottleName { get; set; }

    /// <summary>Only proposals of this kind.</summary>
    [Parameter]
    [ValidateSet(typeof(ProposalKindValues))]
    public string? Kind { get; set; }

    /// <summary>Give up after this many seconds (default: wait until stopped).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? TimeoutSeconds { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        try
        {
            var services = GetServices();
            var p = Run((sink, ct) => services.Proposals.WaitForNewAsync(
                new ProposalQuery { BottleName = BottleName, Kind = ValueSet.Parse<ProposalKind>(Kind) }, TimeSpan.FromMilliseconds(500), ct,
                TimeoutSeconds is { } t ? TimeSpan.FromSeconds(t) : null, sink));
            WriteObject(p);
        }
        catch (BotBottleException ex)
        {
            WriteBotBottleError(ex, BottleName);
        }
    }
}

/// <summary>
/// <para type="synopsis">Outputs the audit log: proposals filed, decisions with their route changes, expiries, git pushes, and the requests the egress proxy blocked or redacted.</para>
/// <para type="description">Every decision is recorded with who made it, when and why; egress decisions also record the route table before and after (on the BottleProposal).</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "BottleAuditLog")]
[OutputType(typeof(BottleAuditEntry))]
public sealed class GetBottleAuditLogCommand : BotBottleCmdlet
{
    /// <summary>Only this bottle.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(BottleInstanceCompleter))]
    public string? BottleName { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        try
        {
            foreach (var e in GetServices().Proposals.Audit(BottleName))
            {
                WriteObject(e);
            }
        }
        catch (BotBottleException ex)
        {
            WriteBotBottleError(ex, BottleName);
        }
    }
}

/// <summary>
/// <para type="synopsis">Outputs a bottle's live egress routes (approvals included).</para>
/// <para type="description">Reads the routes the bottle's sidecar enforces now: its live routes file when it has run, else its plan. Credentials appear as the names of the variables that hold them, never values.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "BottleEgressRoute", DefaultParameterSetName = "ByName")]
[OutputType(typeof(BottleRoute))]
public sealed class GetBottleEgressRouteCommand : BotBottleCmdlet
{
    /// <summary>The bottle.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "ByName", ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(BottleInstanceCompleter))]
    [ValidateNotNullOrEmpty]
    public string BottleName { get; set; } = string.Empty;

    /// <summary>The bottle from the pipeline.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "ByInput", ValueFromPipeline = true)]
    [ValidateNotNull]
    public Bottle? InputObject { get; set; }

    /// <summary>Only routes whose host matches (wildcards allowed).</summary>
    [Parameter]
    [SupportsWildcards]
    public string? HostName { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var name = InputObject?.Name ?? BottleName;
        try
        {
            var pattern = HostName is null ? null : new WildcardPattern(HostName, WildcardOptions.IgnoreCase);
            foreach (var r in GetServices().Proposals.LiveRoutes(name).Routes.Where(r => pattern?.IsMatch(r.Host) != false))
            {
                WriteObject(BottleRoute.From(name, r));
            }
        }
        catch (BotBottleException ex)
        {
            WriteBotBottleError(ex, name);
        }
    }
}
