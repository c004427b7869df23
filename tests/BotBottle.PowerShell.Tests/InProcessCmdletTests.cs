using System.Management.Automation;
using BotBottle.Instances;
using BotBottle.Proposals;

namespace BotBottle.Tests;

/// <summary>
/// The cmdlets hosted in-process (Microsoft.PowerShell.SDK 7.6.9): parameter binding and validation, error records
/// with their documented FullyQualifiedErrorId and category, -WhatIf, pipeline binding, and the compiled help. No
/// engine is needed: these cmdlets act on prepared bottles and local state only.
/// </summary>
[Collection(ModuleSessionCollection.Name)]
public sealed class InProcessCmdletTests : IDisposable
{
    private readonly ModuleSession _s = new();

    public void Dispose() => _s.Dispose();

    [Fact]
    public void The_module_exports_exactly_the_manifest_cmdlets()
    {
        var names = _s.Invoke("(Get-Command -Module BotBottle).Name").Select(o => (string)o.BaseObject).Order(StringComparer.Ordinal);
        Assert.Equal(ModuleMetadata.ManifestList("CmdletsToExport").Order(StringComparer.Ordinal), names);
    }

    [Fact]
    public void Backend_values_come_from_the_registry_and_anything_else_is_refused_before_any_state()
    {
        var e = _s.Throws("New-Bottle pester -Backend vmware");
        Assert.Equal("ParameterArgumentValidationError,BotBottle.PowerShell.Cmdlets.NewBottleCommand", e.FullyQualifiedErrorId);
        Assert.Contains("docker,smolmachines,macos-container", e.Exception.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_s.Home.Combine("state")));
        var b = (Bottle)_s.Invoke("New-Bottle pester -Backend docker -Label on-docker")[0].BaseObject;
        Assert.Equal("docker", b.Backend);
    }

    [Fact]
    public void State_and_kind_bind_case_insensitively_and_refuse_unknown_names()
    {
        Assert.Empty(_s.Invoke("Get-BottleProposal -State pending -Kind egressallow"));
        var e = _s.Throws("Get-BottleProposal -State Waiting");
        Assert.Equal("ParameterArgumentValidationError,BotBottle.PowerShell.Cmdlets.GetBottleProposalCommand", e.FullyQualifiedErrorId);
        Assert.Contains(string.Join(",", Enum.GetNames<ProposalState>()), e.Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_bottle_is_a_non_terminating_BottleNotFound_that_names_the_item_and_Stop_makes_it_terminating()
    {
        var (output, errors) = _s.Run("Get-Bottle nope, also-nope");
        Assert.Empty(output);
        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.Equal("BottleNotFound,BotBottle.PowerShell.Cmdlets.GetBottleCommand", e.FullyQualifiedErrorId));
        Assert.Equal(ErrorCategory.ObjectNotFound, errors[0].CategoryInfo.Category);
        Assert.Equal("nope", errors[0].TargetObject);

        var stop = _s.Throws("Get-Bottle nope -ErrorAction Stop");
        Assert.Equal("BottleNotFound,BotBottle.PowerShell.Cmdlets.GetBottleCommand", stop.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, stop.CategoryInfo.Category);
    }

    [Fact]
    public void WhatIf_prepares_nothing_and_removes_nothing()
    {
        Assert.Empty(_s.Invoke("New-Bottle pester -Label ghost -WhatIf"));
        Assert.False(Directory.Exists(_s.Home.Combine("state", "ghost")));

        var b = (Bottle)_s.Invoke("New-Bottle pester -Label keep")[0].BaseObject;
        _s.Invoke("Get-Bottle keep | Remove-Bottle -WhatIf");
        Assert.True(Directory.Exists(b.StateDirectory));
        _s.Invoke("Get-Bottle keep | Remove-Bottle -Confirm:$false");
        Assert.False(Directory.Exists(b.StateDirectory));
    }

    [Fact]
    public void Bottles_and_names_bind_from_the_pipeline()
    {
        _s.Invoke("New-Bottle pester -Label one; New-Bottle pester -Label two");
        var names = _s.Invoke("'one', 'two' | Get-Bottle | ForEach-Object Name").Select(o => (string)o.BaseObject);
        Assert.Equal(["one", "two"], names);
        // ByPropertyName: an agent object's Name binds New-Bottle's -Agent.
        var piped = (Bottle)_s.Invoke("Get-BottleAgent pester | New-Bottle -Label from-agent")[0].BaseObject;
        Assert.Equal("pester", piped.Agent);
    }

    [Fact]
    public void Stopping_a_bottle_that_never_started_is_BottleNotRunning()
    {
        _s.Invoke("New-Bottle pester -Label cold");
        var e = _s.Throws("Stop-Bottle cold -ErrorAction Stop");
        Assert.Equal("BottleNotRunning,BotBottle.PowerShell.Cmdlets.StopBottleCommand", e.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidOperation, e.CategoryInfo.Category);
    }

    [Fact]
    public void Every_cmdlet_has_compiled_help_with_synopsis_description_every_parameter_and_an_example()
    {
        var problems = _s.Invoke("""
            foreach ($c in Get-Command -Module BotBottle) {
                $h = Get-Help $c.Name -Full
                if (-not $h.Synopsis -or $h.Synopsis -eq $c.Name -or $h.Synopsis -like '*[<]CommonParameters*') { "$($c.Name): no synopsis" }
                if (-not $h.description) { "$($c.Name): no description" }
                if (@($h.examples.example).Count -lt 1) { "$($c.Name): no example" }
                $documented = @($h.parameters.parameter.name)
                foreach ($p in $c.Parameters.Keys) {
                    if ($p -in [System.Management.Automation.PSCmdlet]::CommonParameters -or $p -in [System.Management.Automation.PSCmdlet]::OptionalCommonParameters) { continue }
                    if ($p -notin $documented) { "$($c.Name): -$p is not in its help" }
                }
            }
            """).Select(o => o.ToString()).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
