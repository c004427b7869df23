using System.Management.Automation;
using BotBottle.Instances;

namespace BotBottle.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Lists bottle instances with their state, backend, agent, services and start time.</para>
/// <para type="description">Reads the state folders and asks each bottle's own backend for its live state, so the result survives a host restart and reflects what really runs.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "Bottle")]
[OutputType(typeof(Bottle))]
public sealed class GetBottleCommand : BotBottleCmdlet
{
    /// <summary>Bottle names; wildcards allowed. Default: all.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(BottleInstanceCompleter))]
#pragma warning disable CA1819 // PowerShell binds arrays.
    public string[]? Name { get; set; }
#pragma warning restore CA1819

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var services = GetServices();
        foreach (var pattern in Name is { Length: > 0 } ? Name : [null!])
        {
            try
            {
                var bottles = Run((_, ct) => services.Bottles.ListAsync(pattern, ct));
                if (bottles.Count == 0 && pattern is not null && !WildcardPattern.ContainsWildcardCharacters(pattern))
                {
                    WriteBotBottleError(new Errors.BotBottleException("BottleNotFound", Errors.BotBottleErrorCategory.ObjectNotFound, $"There is no bottle named '{pattern}'."), pattern);
                    continue;
                }

                foreach (var b in bottles)
                {
                    WriteObject(b);
                }
            }
            catch (Exception ex) when (ex is Errors.BotBottleException or OperationCanceledException)
            {
                WriteBotBottleError(ex, pattern);
            }
        }
    }
}
