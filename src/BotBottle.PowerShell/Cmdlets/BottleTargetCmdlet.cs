using System.Management.Automation;
using BotBottle.Instances;

namespace BotBottle.PowerShell.Cmdlets;

/// <summary>
/// Base of cmdlets that act on existing bottles: an <c>-InputObject</c> set bound from the pipeline
/// (<see cref="Bottle"/>) and a <c>-Name</c> set bound by property name, so <c>Get-Bottle | Stop-Bottle</c> and
/// <c>'a','b' | Stop-Bottle</c> both work.
/// </summary>
public abstract class BottleTargetCmdlet : BotBottleCmdlet
{
    /// <summary>Parameter set of <see cref="InputObject"/>.</summary>
    protected const string ByInput = "ByInput";

    /// <summary>Parameter set of <see cref="Name"/>.</summary>
    protected const string ByName = "ByName";

    /// <summary>Bottles from the pipeline (e.g. from Get-Bottle or New-Bottle).</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByInput, ValueFromPipeline = true)]
    [ValidateNotNull]
#pragma warning disable CA1819 // PowerShell binds arrays.
    public Bottle[] InputObject { get; set; } = [];

    /// <summary>Bottle names (slugs).</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByName, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(BottleInstanceCompleter))]
    public string[] Name { get; set; } = [];
#pragma warning restore CA1819

    /// <summary>The bottle names this record targets.</summary>
    protected IEnumerable<string> Targets => ParameterSetName == ByInput ? InputObject.Select(b => b.Name) : Name;
}
