using System.Management.Automation;
using BotBottle.Errors;
using BotBottle.Manifest;

namespace BotBottle.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Validates agents, bottles and provider plugins and outputs every finding with file, line and column.</para>
/// <para type="description">Without -Path, checks every manifest of the home folder and the current project. Findings are output objects (errors and warnings), not PowerShell errors; -Quiet outputs only $true or $false.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "BottleManifest")]
[OutputType(typeof(ManifestFinding), typeof(bool))]
public sealed class TestBottleManifestCommand : BotBottleCmdlet
{
    private int _errors;

    /// <summary>Validate only these manifest files. Binds from an agent's Path or a file's FullName.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
#pragma warning disable CA1819 // PowerShell binds string[] parameters.
    public string[]? Path { get; set; }
#pragma warning restore CA1819

    /// <summary>The kind of the files given with -Path, when their folder does not tell.</summary>
    [Parameter]
    [ValidateSet(typeof(ManifestKindValues))]
    public string? Kind { get; set; }

    /// <summary>Output only $true (no errors) or $false.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var services = GetServices();
        try
        {
            if (Path is null)
            {
                Write(Run((_, ct) => Task.FromResult(services.Catalog.Validate(ct))));
                return;
            }

            foreach (var p in Path)
            {
                var full = GetUnresolvedProviderPathFromPSPath(p);
                try
                {
                    Write(services.Catalog.ValidateFile(full, ValueSet.Parse<ManifestKind>(Kind)));
                }
                catch (BotBottleException ex)
                {
                    _errors++;
                    WriteBotBottleError(ex, full);
                }
            }
        }
        catch (Exception ex) when (ex is BotBottleException or OperationCanceledException or AggregateException)
        {
            ThrowBotBottleError(ex, Path);
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        if (Quiet)
        {
            WriteObject(_errors == 0);
        }
    }

    private void Write(ManifestValidationReport report)
    {
        _errors += report.ErrorCount;
        if (Quiet)
        {
            return;
        }

        foreach (var f in report.Findings)
        {
            WriteObject(f);
        }
    }
}
