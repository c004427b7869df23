using System.Management.Automation;
using BotBottle.Errors;

namespace BotBottle.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Attaches this terminal to the agent in a running bottle, or to a shell with -Shell.</para>
/// <para type="description">Runs the provider's interactive command (e.g. claude) or a login shell in the bottle with this terminal attached, and returns when it exits. On Docker this uses the docker CLI (the engine API has no portable terminal); the exit code is in $LASTEXITCODE.</para>
/// </summary>
[Cmdlet(VerbsCommon.Enter, "Bottle", SupportsShouldProcess = true, DefaultParameterSetName = ByName)]
[OutputType(typeof(void))]
public sealed class EnterBottleCommand : BottleTargetCmdlet
{
    /// <summary>Open a login shell instead of the agent.</summary>
    [Parameter]
    public SwitchParameter Shell { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var services = GetServices();
        var name = Targets.FirstOrDefault();
        if (name is null || !ShouldProcess(name, Shell ? "Open a shell" : "Attach to the agent"))
        {
            return;
        }

        try
        {
            // Interactive: the child owns the console, so this runs on the pipeline thread and blocks.
            var code = services.Bottles.EnterAsync(name, Shell, CancellationToken).GetAwaiter().GetResult();
            SessionState.PSVariable.Set("global:LASTEXITCODE", code);
        }
        catch (Exception ex) when (ex is BotBottleException or OperationCanceledException)
        {
            WriteBotBottleError(ex, name);
        }
    }
}
