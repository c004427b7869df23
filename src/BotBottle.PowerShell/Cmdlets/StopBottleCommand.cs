using System.Management.Automation;
using BotBottle.Errors;
using BotBottle.Instances;

namespace BotBottle.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Stops bottles, keeping their state; Start-Bottle resumes them.</para>
/// <para type="description">Stops the agent and then the sidecar. Containers, networks, files written in the bottle and the state folder all stay. Dispatches on each bottle's recorded backend; a backend that cannot stop fails with ActionNotSupported and changes nothing.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Stop, "Bottle", SupportsShouldProcess = true, DefaultParameterSetName = ByName)]
[OutputType(typeof(Bottle))]
public sealed class StopBottleCommand : BottleTargetCmdlet
{
    /// <summary>Output the stopped bottle.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var services = GetServices();
        foreach (var name in Targets)
        {
            if (!ShouldProcess(name, "Stop bottle"))
            {
                continue;
            }

            try
            {
                var b = Run((_, ct) => services.Bottles.StopAsync(name, ct));
                if (PassThru)
                {
                    WriteObject(b);
                }
            }
            catch (Exception ex) when (ex is BotBottleException or OperationCanceledException)
            {
                WriteBotBottleError(ex, name);
            }
        }
    }
}
