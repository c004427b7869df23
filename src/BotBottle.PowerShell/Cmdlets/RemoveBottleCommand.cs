using System.Management.Automation;
using BotBottle.Errors;

namespace BotBottle.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Tears bottles down completely and deletes their state.</para>
/// <para type="description">Removes every container or VM, network and volume of the bottle on its recorded backend, then its state folder (plan, CA, routes, logs). A running bottle is only removed with -Force.</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "Bottle", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByName)]
[OutputType(typeof(void))]
public sealed class RemoveBottleCommand : BottleTargetCmdlet
{
    /// <summary>Remove running bottles too (they are stopped first), without an extra confirmation.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var services = GetServices();
        foreach (var name in Targets)
        {
            if (!ShouldProcess(name, "Remove bottle (containers, networks, volumes and state)"))
            {
                continue;
            }

            try
            {
                Run((_, ct) => services.Bottles.RemoveAsync(name, Force, ct));
                PreparedSecrets.Forget(services.Home, name);
            }
            catch (Exception ex) when (ex is BotBottleException or OperationCanceledException)
            {
                WriteBotBottleError(ex, name);
            }
        }
    }
}
