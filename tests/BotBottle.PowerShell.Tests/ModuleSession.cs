using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace BotBottle.Tests;

/// <summary>
/// The built module (out/BotBottle/&lt;version&gt;/BotBottle.psd1) imported into an in-process runspace
/// (Microsoft.PowerShell.SDK), with BOT_BOTTLE_HOME pointing at a fresh temporary home that holds a <c>shell</c>
/// bottle and a <c>pester</c> agent. For fast behaviour tests of binding, error records and -WhatIf; the Pester
/// suite runs the same module in a real pwsh.
/// </summary>
internal sealed class ModuleSession : IDisposable
{
    private readonly Runspace _runspace;
    private readonly string? _previousHome;

    /// <param name="host">The host the runspace reports to (default: PowerShell's default host, which cannot prompt).</param>
    public ModuleSession(System.Management.Automation.Host.PSHost? host = null)
    {
        Home = new TempDirectory("bb-ps");
        Home.WriteFile("bottles/plain.md", "---\nagent_provider:\n  template: shell\negress:\n  routes:\n    - host: example.com\n---\n");
        Home.WriteFile("agents/pester.md", "---\nbottle: plain\n---\nAn agent for in-process cmdlet tests.\n");
        Project = Home.Combine("project");
        Directory.CreateDirectory(Project);
        _previousHome = Environment.GetEnvironmentVariable("BOT_BOTTLE_HOME");
        Environment.SetEnvironmentVariable("BOT_BOTTLE_HOME", Home.Path);

        var iss = InitialSessionState.CreateDefault2();
        iss.ImportPSModule(ModuleMetadata.ManifestPath);
        _runspace = host is null ? RunspaceFactory.CreateRunspace(iss) : RunspaceFactory.CreateRunspace(host, iss);
        _runspace.Open();
        Invoke($"Set-Location -LiteralPath '{Project}'");
    }

    public TempDirectory Home { get; }

    public string Project { get; }

    /// <summary>Runs <paramref name="script"/>; returns its output and the non-terminating errors it wrote.</summary>
    /// <exception cref="RuntimeException">A terminating error (e.g. with -ErrorAction Stop).</exception>
    public (Collection<PSObject> Output, IReadOnlyList<ErrorRecord> Errors) Run(string script)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        ps.AddScript(script);
        var output = ps.Invoke();
        return (output, [.. ps.Streams.Error]);
    }

    /// <summary>Runs <paramref name="script"/> and returns its output; fails the test on any error.</summary>
    public Collection<PSObject> Invoke(string script)
    {
        var (output, errors) = Run(script);
        Assert.True(errors.Count == 0, $"'{script}' wrote errors: {string.Join("; ", errors.Select(e => e.FullyQualifiedErrorId + ": " + e.Exception.Message))}");
        return output;
    }

    /// <summary>The error record of the error <paramref name="script"/> stops on (run with $ErrorActionPreference = 'Stop', as a runbook would).</summary>
    public ErrorRecord Throws(string script)
    {
        var ex = Assert.ThrowsAny<RuntimeException>(() => Run("$ErrorActionPreference = 'Stop'; " + script));
        return ex.ErrorRecord;
    }

    public void Dispose()
    {
        _runspace.Dispose();
        Environment.SetEnvironmentVariable("BOT_BOTTLE_HOME", _previousHome);
        Home.Dispose();
    }
}

/// <summary>In-process cmdlet tests share the process environment (BOT_BOTTLE_HOME): they never run in parallel.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ModuleSessionCollection
{
    public const string Name = "In-process module session";
}
